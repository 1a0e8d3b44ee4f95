/**
 * Shared setup for the end-to-end tests: a fake Slack, channels wired to it with fast timings,
 * and an envelope collector. Test-only (excluded from the build).
 */
import type { Server } from "node:http";
import { createServer } from "node:http";
import {
  createMemoryStore,
  createRecordingLogger,
  type InboundEnvelope,
  type KeyValueStore,
  type RecordingLogger,
} from "@patchbay/core";
import { closeServer, listenOnLoopback, waitFor } from "@patchbay/testkit";
import { FakeSlack, type FakeSlackOptions } from "@patchbay/testkit/slack";
import type { SlackChannelOptions } from "./config.js";
import { SlackHttpRouter } from "./http-receiver.js";
import { createSlackChannel } from "./index.js";
import type { SlackChannel } from "./slack-channel.js";
import { SlackSocketHub } from "./socket-hub.js";

/** Timings that keep reconnect tests fast. */
export const FAST = {
  apiRetries: 0,
  reconnect: { initialMs: 20, maxMs: 200, jitter: 0 },
  socket: { helloTimeoutMs: 3_000, clientPingTimeoutMs: 3_000 },
} as const;

export async function startFake(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const fake = new FakeSlack(options);
  await fake.start();
  return fake;
}

/** Collects envelopes; `next()` hands them out in order, waiting when none is pending. */
export class Collector {
  readonly envelopes: InboundEnvelope[] = [];
  #taken = 0;
  /** Makes the sink throw (or wait) for the next deliveries. */
  failNext = 0;
  gate: Promise<void> | undefined;

  readonly sink = async (envelope: InboundEnvelope): Promise<void> => {
    if (this.gate) await this.gate;
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error("sink failed on purpose");
    }
    this.envelopes.push(envelope);
  };

  next(timeoutMs = 5_000): Promise<InboundEnvelope> {
    return waitFor(
      () => {
        const envelope = this.envelopes[this.#taken];
        if (envelope) this.#taken += 1;
        return envelope;
      },
      { timeoutMs, what: "an envelope" },
    );
  }
}

export interface Harness {
  fake: FakeSlack;
  hub: SlackSocketHub;
  router: SlackHttpRouter;
  logger: RecordingLogger;
  state: KeyValueStore;
  channels: SlackChannel[];
  servers: Server[];
  /** A channel wired to the fake with fast timings and this harness's hub, router, logger and state. */
  channel(options: Partial<SlackChannelOptions> & Pick<SlackChannelOptions, "botToken">): SlackChannel;
  /** Mounts `channel.httpHandler()` on a loopback server (as the gateway would) and returns its URL. */
  mount(channel: SlackChannel): Promise<string>;
  close(): Promise<void>;
}

export async function harness(fakeOptions: FakeSlackOptions = {}): Promise<Harness> {
  const fake = await startFake({ ackTimeoutMs: 1_500, ...fakeOptions });
  const h: Harness = {
    fake,
    hub: new SlackSocketHub(),
    router: new SlackHttpRouter(),
    logger: createRecordingLogger(),
    state: createMemoryStore(),
    channels: [],
    servers: [],
    channel(options) {
      const channel = createSlackChannel({
        accountId: "default",
        apiUrl: fake.apiUrl,
        logger: h.logger,
        state: h.state,
        socketHub: h.hub,
        httpRouter: h.router,
        ...FAST,
        ...options,
      });
      h.channels.push(channel);
      return channel;
    },
    async mount(channel) {
      const server = createServer(channel.httpHandler());
      const port = await listenOnLoopback(server);
      h.servers.push(server);
      return `http://127.0.0.1:${port}/slack/events`;
    },
    async close() {
      await Promise.allSettled(h.channels.map((c) => c.stop()));
      await Promise.allSettled(h.servers.map((s) => closeServer(s)));
      await fake.stop();
    },
  };
  return h;
}

/** Every secret must be absent from everything logged. */
export function leakedSecrets(logger: RecordingLogger, secrets: string[]): string[] {
  const text = JSON.stringify(logger.records);
  return secrets.filter((s) => text.includes(s));
}
