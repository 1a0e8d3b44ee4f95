import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPairingStore, type InboundEnvelope, silentLogger, validateConfig } from "@patchbay/core";
import { afterEach, describe, expect, it } from "vitest";
import { SessionLanes } from "../lanes/index.js";
import { openInboundJournal, openSessionStore } from "../stores/index.js";
import { buildConfigSnapshot } from "./config-snapshot.js";
import { EventLog } from "./event-log.js";
import { createGatewayMetrics } from "./gateway-metrics.js";
import { Pipeline } from "./pipeline.js";

const envelope: InboundEnvelope = {
  id: "late-1",
  channel: "discord",
  accountId: "default",
  peer: { kind: "direct", id: "42" },
  sender: { id: "42", isBot: false },
  text: "arrived while stopping",
  mentionsBot: false,
  replyToBot: false,
  attachments: [],
  timestamp: 1,
  raw: null,
};

describe("Pipeline during shutdown", () => {
  let dir = "";
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("journals a message that arrives after drain() began, without processing it, so the next run replays it", async () => {
    dir = await mkdtemp(join(tmpdir(), "patchbay-pipeline-"));
    const { config } = validateConfig({ channels: { discord: { dmPolicy: "open", allowFrom: ["*"] } } });
    const snapshot = buildConfigSnapshot(config, { stateDir: dir, env: {}, logger: silentLogger });
    const journal = await openInboundJournal({ stateDir: dir, fsync: false });
    const lanes = new SessionLanes();
    const pipeline = new Pipeline({
      snapshot: () => snapshot,
      journal,
      pairing: createPairingStore(),
      lanes,
      sessions: (agentId) => openSessionStore({ stateDir: dir, agentId }),
      adapter: () => undefined,
      metrics: createGatewayMetrics(() => lanes.stats()),
      events: new EventLog(),
      logger: silentLogger,
    });
    await pipeline.drain();
    await pipeline.sink(envelope);
    expect(journal.pending().map((p) => p.envelope.text)).toEqual(["arrived while stopping"]);
    await journal.close();

    const reopened = await openInboundJournal({ stateDir: dir, fsync: false });
    expect(reopened.pending()).toHaveLength(1);
    await reopened.close();
  });
});
