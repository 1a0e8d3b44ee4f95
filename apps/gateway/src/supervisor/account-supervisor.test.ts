import {
  type AccountHealth,
  type ChannelAdapter,
  ChannelAuthError,
  type EnvelopeSink,
  type OutboundMessage,
  type OutboundTarget,
  type SentMessage,
  silentLogger,
} from "@patchbay/core";
import { afterEach, describe, expect, it } from "vitest";
import { type AccountSpec, AccountSupervisor } from "./account-supervisor.js";

/**
 * A scripted account: `start` resolves, rejects or hangs as told. Not an SDK stand-in: the
 * supervisor's contract is the ChannelAdapter interface itself, so a plain implementation is the
 * real thing from its point of view.
 */
class ScriptedAdapter implements ChannelAdapter {
  readonly channel = "telegram";
  readonly accountId: string;
  running = false;
  stops = 0;
  /** How long stop() takes (a socket closing). */
  stopDelayMs = 0;
  #start: "ok" | "hang" | "auth";
  #release: (() => void) | undefined;

  constructor(accountId: string, start: "ok" | "hang" | "auth" = "ok") {
    this.accountId = accountId;
    this.#start = start;
  }

  async start(_sink: EnvelopeSink): Promise<void> {
    if (this.#start === "auth") throw new ChannelAuthError(this.channel, this.accountId, "token refused");
    if (this.#start === "hang")
      await new Promise<void>((resolve) => {
        this.#release = resolve;
      });
    this.running = true;
  }

  async stop(): Promise<void> {
    this.stops++;
    if (this.stopDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.stopDelayMs));
    this.running = false;
    this.#release?.();
  }

  async send(_target: OutboundTarget, _message: OutboundMessage): Promise<SentMessage> {
    return { ids: ["1"] };
  }

  health(): AccountHealth {
    return { state: this.running ? "ready" : "connecting", since: 0, reconnects: 0 };
  }
}

const sink: EnvelopeSink = async () => {};

describe("AccountSupervisor", () => {
  const supervisors: AccountSupervisor[] = [];
  const make = (options: { startTimeoutMs?: number } = {}) => {
    const supervisor = new AccountSupervisor({
      sink,
      logger: silentLogger,
      backoff: { initialMs: 20, maxMs: 50, jitter: 0 },
      ...options,
    });
    supervisors.push(supervisor);
    return supervisor;
  };
  afterEach(async () => {
    for (const supervisor of supervisors.splice(0)) await supervisor.stop();
  });

  const spec = (
    accountId: string,
    fingerprint: string,
    created: ScriptedAdapter[],
    start: "ok" | "hang" | "auth" = "ok",
  ): AccountSpec => ({
    channel: "telegram",
    accountId,
    fingerprint,
    create: () => {
      const adapter = new ScriptedAdapter(accountId, start);
      created.push(adapter);
      return adapter;
    },
  });

  it("overlapping applies (two quick reloads) leave exactly one adapter running per account", async () => {
    const supervisor = make();
    const created: ScriptedAdapter[] = [];
    await supervisor.apply([spec("a", "v1", created)]);
    await supervisor.settled();
    await Promise.all([
      supervisor.apply([spec("a", "v2", created)]),
      supervisor.apply([spec("a", "v3", created)]),
    ]);
    await supervisor.settled();
    expect(created.filter((adapter) => adapter.running)).toHaveLength(1);
    expect(supervisor.adapter("telegram", "a")).toBe(created.at(-1));
  });

  it("keeps an account whose fingerprint did not change, and stops a removed one", async () => {
    const supervisor = make();
    const created: ScriptedAdapter[] = [];
    await supervisor.apply([spec("a", "v1", created), spec("b", "v1", created)]);
    await supervisor.settled();
    const [a, b] = created;
    await supervisor.apply([spec("a", "v1", created)]);
    expect(created).toHaveLength(2);
    expect(a?.running).toBe(true);
    expect(b?.running).toBe(false);
    expect(supervisor.status().map((s) => s.accountId)).toEqual(["a"]);
  });

  it("an apply after stop() starts nothing (a reload racing shutdown)", async () => {
    const supervisor = make();
    const created: ScriptedAdapter[] = [];
    await supervisor.stop();
    await supervisor.apply([spec("a", "v1", created)]);
    expect(created).toHaveLength(0);
    expect(supervisor.status()).toEqual([]);
  });

  it("bounds a start() that never resolves: the adapter is stopped and the start retried", async () => {
    const supervisor = make({ startTimeoutMs: 30 });
    const created: ScriptedAdapter[] = [];
    await supervisor.apply([spec("a", "v1", created, "hang")]);
    await supervisor.settled(5_000);
    const status = supervisor.status()[0];
    expect(status?.state).toBe("connecting");
    expect(status?.reason).toMatch(/did not finish starting/);
    expect(created[0]?.stops).toBeGreaterThan(0);
    await expect.poll(() => created.length).toBeGreaterThan(1);
  });

  it("does not retry an account whose credentials were refused", async () => {
    const supervisor = make();
    const created: ScriptedAdapter[] = [];
    await supervisor.apply([spec("a", "v1", created, "auth")]);
    await supervisor.settled();
    expect(supervisor.status()[0]?.state).toBe("needs-login");
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(created).toHaveLength(1);
  });

  describe("readyAdapter (outbound waiting for an account)", () => {
    it("waits through a restart of the account and returns the new, started adapter", async () => {
      const supervisor = make();
      const created: ScriptedAdapter[] = [];
      await supervisor.apply([spec("a", "v1", created)]);
      await supervisor.settled();
      if (created[0]) created[0].stopDelayMs = 30;
      const restart = supervisor.apply([spec("a", "v2", created)]);
      // The old adapter is stopping and no new one exists yet: a reply due now has to wait.
      await new Promise((resolve) => setImmediate(resolve));
      expect(supervisor.adapter("telegram", "a")).toBeUndefined();
      const waited = supervisor.readyAdapter("telegram", "a", 5_000);
      await restart;
      const adapter = await waited;
      expect(adapter).toBe(created[1]);
      expect(created[1]?.running).toBe(true);
    });

    it("answers at once when the account is not configured or needs login", async () => {
      const supervisor = make();
      const created: ScriptedAdapter[] = [];
      await supervisor.apply([spec("bad", "v1", created, "auth")]);
      await supervisor.settled();
      // A long timeout: the test would time out if either call waited for it.
      expect(await supervisor.readyAdapter("telegram", "bad", 60_000)).toBeUndefined();
      expect(await supervisor.readyAdapter("telegram", "nobody", 60_000)).toBeUndefined();
    });

    it("gives up after its timeout while the account keeps failing to start", async () => {
      const supervisor = make({ startTimeoutMs: 10 });
      const created: ScriptedAdapter[] = [];
      await supervisor.apply([spec("a", "v1", created, "hang")]);
      expect(await supervisor.readyAdapter("telegram", "a", 50)).toBeUndefined();
    });
  });
});
