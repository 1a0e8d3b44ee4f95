import { type AccountHealth, ChannelAuthError, type HealthState } from "@patchbay/core";
import { waitFor } from "@patchbay/testkit";
import type { FakeBot, GatewayRecord } from "@patchbay/testkit/discord";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Adapters, fastOptions, startWorld, type World } from "./test/harness.js";

let world: World;
const adapters = new Adapters();

beforeAll(async () => {
  world = await startWorld();
});
afterEach(async () => {
  await adapters.stopAll();
  world.fake.setGatewayAvailable(true);
  world.fake.resetRecords();
});
afterAll(() => world.fake.stop());

/** A fresh bot in the guild, so faults that stick (revoked tokens) never leak between tests. */
let botCount = 0;
function freshBot(options: { messageContentIntent?: boolean; remaining?: number } = {}): FakeBot {
  botCount += 1;
  const bot = world.fake.addBot({
    token: `FRESH${botCount}.bot-token.s3cr3t-${botCount}`,
    username: `fresh${botCount}`,
    ...(options.messageContentIntent === false ? { messageContentIntent: false } : {}),
    ...(options.remaining !== undefined
      ? { sessionStartLimit: { total: 1000, remaining: options.remaining, reset_after: 3_600_000 } }
      : {}),
  });
  world.fake.addMember(world.guildId, bot.id);
  return bot;
}

/** Records every health state the adapter goes through. */
function healthLog(): {
  states: HealthState[];
  last: () => AccountHealth | undefined;
  onHealthChange: (h: AccountHealth) => void;
} {
  const all: AccountHealth[] = [];
  return {
    get states() {
      return all.map((h) => h.state);
    },
    last: () => all.at(-1),
    onHealthChange: (h) => all.push(h),
  };
}

const gatewayOf = (botId: string): GatewayRecord[] =>
  world.fake.gatewayLog.filter((r) => r.kind !== "heartbeat" && "botId" in r && r.botId === botId);
const kinds = (records: GatewayRecord[]) => records.map((r) => r.kind);

describe("resume without losing or repeating messages", () => {
  for (const code of [1006, 4000]) {
    it(`close ${code}: resumes the session and replays exactly the missed messages`, async () => {
      const { fake, alice, general } = world;
      const bot = freshBot();
      const health = healthLog();
      const { adapter, inbox, logger } = await adapters.start(
        fastOptions(fake, bot, { onHealthChange: health.onHealthChange }),
      );
      fake.say({ from: alice.id, in: general, text: `before ${code}` });
      await inbox.next(`before ${code}`);

      fake.closeGateway(bot.id, code);
      const missed = ["while down 1", "while down 2", "while down 3"];
      for (const text of missed) fake.say({ from: alice.id, in: general, text });
      await waitFor(() => adapter.health().reconnects === 1 && adapter.health().state === "ready", {
        what: "resumed",
      });
      fake.say({ from: alice.id, in: general, text: `after ${code}` });
      await inbox.next(`after ${code}`);

      const texts = inbox.envelopes.map((e) => e.text);
      expect(texts).toEqual([`before ${code}`, ...missed, `after ${code}`]);
      const log = gatewayOf(bot.id);
      const ready = log.find((r) => r.kind === "ready");
      const resume = log.find((r) => r.kind === "resume");
      const resumed = log.find((r) => r.kind === "resumed");
      expect(resume).toMatchObject({ sessionId: ready && "sessionId" in ready ? ready.sessionId : "?" });
      expect(resume && "seq" in resume ? resume.seq : 0).toBeGreaterThan(1);
      expect(resumed).toMatchObject({ replayed: missed.length });
      expect(fake.identifyCount(bot.id)).toBe(1);
      expect(health.states).toEqual(["ready", "degraded", "ready"]);
      expect(health.states.length).toBe(3);
      expect(adapter.health().reconnects).toBe(1);
      // Debug logging included: the whole connect/drop/resume cycle never shows the token.
      expect(logger.records.filter((r) => r.level === "debug").length).toBeGreaterThan(5);
      expectNoSecret([logger.records, adapter.health()], bot.token);
    });
  }

  it("a network outage (connections reset) keeps the session: missed messages arrive after it", async () => {
    const { fake, alice, general } = world;
    const bot = freshBot();
    const { adapter, inbox } = await adapters.start(fastOptions(fake, bot));
    fake.setGatewayAvailable(false, "reset");
    fake.closeGateway(bot.id, 1006);
    fake.say({ from: alice.id, in: general, text: "during outage" });
    await waitFor(() => adapter.health().reconnects >= 6, { what: "failed attempts" });
    fake.setGatewayAvailable(true);
    await waitFor(() => adapter.health().state === "ready", { what: "back" });
    await inbox.next("during outage");
    expect(fake.identifyCount(bot.id)).toBe(1);
    expect(gatewayOf(bot.id).find((r) => r.kind === "resumed")).toMatchObject({ replayed: 1 });
  });

  it("op 7 RECONNECT resumes the session", async () => {
    const { fake, alice, general } = world;
    const bot = freshBot();
    const { adapter, inbox } = await adapters.start(fastOptions(fake, bot));
    fake.requestReconnect(bot.id);
    await waitFor(() => adapter.health().reconnects === 1 && adapter.health().state === "ready", {
      what: "resumed",
    });
    fake.say({ from: alice.id, in: general, text: "after op 7" });
    await inbox.next("after op 7");
    expect(kinds(gatewayOf(bot.id))).toContain("resumed");
    expect(fake.identifyCount(bot.id)).toBe(1);
  });

  it("stop() during an outage cancels the pending reconnect", async () => {
    const { fake } = world;
    const bot = freshBot();
    const { adapter } = await adapters.start(fastOptions(fake, bot));
    fake.setGatewayAvailable(false);
    fake.closeGateway(bot.id, 1006);
    await waitFor(() => adapter.health().reconnects >= 2, { what: "reconnecting" });
    await adapter.stop();
    const refused = fake.gatewayLog.filter((r) => r.kind === "refused").length;
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.gatewayLog.filter((r) => r.kind === "refused").length).toBe(refused);
    expect(adapter.health().state).toBe("stopped");
  });

  it("a zombie connection (no heartbeat ACK) is replaced and resumed", async () => {
    const { fake, alice, general } = world;
    const bot = freshBot();
    const { adapter, inbox } = await adapters.start(fastOptions(fake, bot));
    fake.withholdHeartbeatAcks(bot.id);
    await waitFor(() => adapter.health().reconnects >= 1, { what: "zombie detected" });
    await waitFor(() => adapter.health().state === "ready", { what: "ready again" });
    fake.say({ from: alice.id, in: general, text: "after zombie" });
    await inbox.next("after zombie");
    const log = fake.gatewayLog.filter((r) => "botId" in r && r.botId === bot.id);
    expect(log.some((r) => r.kind === "heartbeat" && !r.acked)).toBe(true);
    expect(kinds(log.filter((r) => r.kind !== "heartbeat"))).toContain("resumed");
    expect(fake.identifyCount(bot.id)).toBe(1);
  });

  it("INVALID_SESSION (not resumable) falls back to a fresh identify", async () => {
    const { fake, alice, general } = world;
    const bot = freshBot();
    const { adapter, inbox } = await adapters.start(fastOptions(fake, bot));
    fake.invalidateSession(bot.id);
    await waitFor(() => fake.identifyCount(bot.id) === 2 && adapter.health().state === "ready", {
      what: "re-identified",
    });
    fake.say({ from: alice.id, in: general, text: "after invalid session" });
    await inbox.next("after invalid session");
    expect(kinds(gatewayOf(bot.id)).filter((k) => k === "resume")).toHaveLength(0);
  });

  it("repeated resume failures fall back to a fresh identify", async () => {
    const { fake, alice, general } = world;
    const bot = freshBot();
    const { adapter, inbox } = await adapters.start(
      fastOptions(fake, bot, { reconnect: { initialMs: 10, maxMs: 50, maxResumeAttempts: 2 } }),
    );
    fake.failNextResume(bot.id, 4000, 4000, 4000);
    fake.closeGateway(bot.id, 1006);
    await waitFor(() => fake.identifyCount(bot.id) === 2 && adapter.health().state === "ready", {
      what: "identify",
    });
    fake.say({ from: alice.id, in: general, text: "after fallback" });
    await inbox.next("after fallback");
    const attempts = kinds(gatewayOf(bot.id)).filter((k) => k === "identify" || k === "resume");
    expect(attempts).toEqual(["identify", "resume", "resume", "identify"]);
  });

  it("backs off with jitter while the gateway is down, then resumes", async () => {
    const { fake, alice, general } = world;
    const bot = freshBot();
    const { adapter, inbox, logger } = await adapters.start(
      fastOptions(fake, bot, { reconnect: { initialMs: 20, maxMs: 160, jitter: 0.5 }, random: () => 0.5 }),
    );
    fake.setGatewayAvailable(false);
    fake.closeGateway(bot.id, 1006);
    await waitFor(() => adapter.health().reconnects >= 5, { what: "five attempts", timeoutMs: 5_000 });
    fake.setGatewayAvailable(true);
    await waitFor(() => adapter.health().state === "ready", { what: "back" });
    fake.say({ from: alice.id, in: general, text: "after outage" });
    await inbox.next("after outage");

    const plans = logger.records
      .filter((r) => r.message === "discord gateway reconnecting")
      .map((r) => r.fields);
    // Equal jitter with random 0.5: base * 0.75, the base doubling up to maxMs.
    expect(plans.slice(0, 5).map((p) => p.delayMs)).toEqual([15, 30, 60, 120, 120]);
    expect(plans.slice(0, 5).map((p) => p.attempt)).toEqual([1, 2, 3, 4, 5]);
    // A healthy connection resets the backoff.
    fake.closeGateway(bot.id, 4000);
    await waitFor(() => adapter.health().state === "degraded" || adapter.health().reconnects > plans.length, {
      what: "next drop",
    });
    await waitFor(() => adapter.health().state === "ready", { what: "ready after reset" });
    const after = logger.records.filter((r) => r.message === "discord gateway reconnecting").at(-1)?.fields;
    expect(after).toMatchObject({ delayMs: 15, attempt: 1 });
  });
});

describe("fatal closes stop for good, with a clear error", () => {
  it("REST 401 at login: needs-login, ChannelAuthError naming the account, no gateway attempt", async () => {
    const { fake } = world;
    const bot = freshBot();
    fake.revokeToken(bot.id);
    const { adapter, logger } = adapters.create(fastOptions(fake, bot));
    const error = await adapter.start(async () => {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelAuthError);
    expect((error as Error).message).toContain(`"${bot.user.username}"`);
    expect(adapter.health()).toMatchObject({ state: "needs-login" });
    expect(fake.identifyCount(bot.id)).toBe(0);
    expectNoSecret([error, logger.records, adapter.health()], bot.token);
  });

  it("4004 at IDENTIFY: needs-login, no retry loop", async () => {
    const { fake } = world;
    const bot = freshBot();
    fake.failNextIdentify(bot.id, 4004);
    const { adapter, logger } = adapters.create(fastOptions(fake, bot));
    const error = await adapter.start(async () => {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelAuthError);
    expect((error as Error).message).toMatch(/4004/);
    expect((error as Error).message).toContain(`"${bot.user.username}"`);
    expect(adapter.health().state).toBe("needs-login");
    const connects = fake.gatewayLog.filter((r) => r.kind === "connect").length;
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.gatewayLog.filter((r) => r.kind === "connect").length).toBe(connects);
    expect(fake.identifyCount(bot.id)).toBe(1);
    expectNoSecret([error, logger.records], bot.token);
  });

  it("token reset while running: the resume gets 4004, the account goes needs-login and stays quiet", async () => {
    const { fake } = world;
    const bot = freshBot();
    const health = healthLog();
    const { adapter, logger } = await adapters.start(
      fastOptions(fake, bot, { onHealthChange: health.onHealthChange }),
    );
    fake.revokeToken(bot.id);
    fake.closeGateway(bot.id, 1006);
    await waitFor(() => adapter.health().state === "needs-login", { what: "needs-login" });
    const attempts = gatewayOf(bot.id).filter((r) => r.kind === "resume" || r.kind === "identify").length;
    await new Promise((r) => setTimeout(r, 300));
    expect(gatewayOf(bot.id).filter((r) => r.kind === "resume" || r.kind === "identify").length).toBe(
      attempts,
    );
    expect(health.states).toEqual(["ready", "degraded", "needs-login"]);
    expect(adapter.health().reason).toMatch(new RegExp(`"${bot.user.username}".*4004`));
    expect(logger.records.some((r) => r.level === "error" && String(r.fields.error).includes("4004"))).toBe(
      true,
    );
    expectNoSecret([logger.records, adapter.health()], bot.token);
  });

  it("4014: the error names the Message Content intent", async () => {
    const { fake } = world;
    const bot = freshBot({ messageContentIntent: false });
    const { adapter } = adapters.create(fastOptions(fake, bot));
    const error = await adapter.start(async () => {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelAuthError);
    expect((error as Error).message).toMatch(/Message Content Intent/);
    expect((error as Error).message).toContain(`"${bot.user.username}"`);
    expect(fake.identifyCount(bot.id)).toBe(1);
  });

  for (const code of [4010, 4011, 4012, 4013]) {
    it(`${code} while running: stopped with the reason, no reconnect`, async () => {
      const { fake } = world;
      const bot = freshBot();
      const { adapter, logger } = await adapters.start(fastOptions(fake, bot));
      fake.closeGateway(bot.id, code);
      await waitFor(() => adapter.health().state === "stopped", { what: "stopped" });
      expect(adapter.health().reason).toMatch(new RegExp(`"${bot.user.username}".*${code}.*not retrying`));
      await new Promise((r) => setTimeout(r, 300));
      expect(kinds(gatewayOf(bot.id)).filter((k) => k === "identify" || k === "resume")).toEqual([
        "identify",
      ]);
      expect(fake.isConnected(bot.id)).toBe(false);
      expect(adapter.health().reconnects).toBe(0);
      expect(logger.records.some((r) => r.level === "error" && r.fields.code === code)).toBe(true);
    });
  }

  it("4013 at IDENTIFY: start() rejects with CONNECTION_FAILED naming the code, no retry", async () => {
    const { fake } = world;
    const bot = freshBot();
    fake.failNextIdentify(bot.id, 4013);
    const { adapter } = adapters.create(fastOptions(fake, bot));
    const error = await adapter.start(async () => {}).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "CONNECTION_FAILED", accountId: bot.user.username });
    expect((error as Error).message).toMatch(/4013 \(invalid intents\)/);
    expect(adapter.health().state).toBe("stopped");
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.identifyCount(bot.id)).toBe(1);
  });

  it("a gateway that refuses the connection at login fails start() and leaves nothing running", async () => {
    const { fake } = world;
    const bot = freshBot();
    fake.setGatewayAvailable(false);
    const { adapter } = adapters.create(fastOptions(fake, bot));
    await expect(adapter.start(async () => {})).rejects.toMatchObject({ code: "CONNECTION_FAILED" });
    const refused = fake.gatewayLog.filter((r) => r.kind === "refused").length;
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.gatewayLog.filter((r) => r.kind === "refused").length).toBe(refused);
    expect(adapter.health().state).toBe("stopped");
  });

  it("a gateway that never answers IDENTIFY makes start() time out and leaves nothing running", async () => {
    const { fake } = world;
    const bot = freshBot();
    fake.ignoreNextIdentify(bot.id);
    const { adapter } = adapters.create(fastOptions(fake, bot, { startTimeoutMs: 300 }));
    await expect(adapter.start(async () => {})).rejects.toMatchObject({ code: "TIMEOUT" });
    const connects = fake.gatewayLog.filter((r) => r.kind === "connect").length;
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.gatewayLog.filter((r) => r.kind === "connect").length).toBe(connects);
    expect(fake.identifyCount(bot.id)).toBe(1);
    expect(adapter.health().state).toBe("stopped");
  });
});

describe("daily identify budget", () => {
  it("stops identifying when the budget is spent instead of burning the token", async () => {
    const { fake } = world;
    const bot = freshBot({ remaining: 2 });
    const { adapter } = await adapters.start(fastOptions(fake, bot));
    fake.invalidateSession(bot.id);
    await waitFor(() => fake.identifyCount(bot.id) === 2 && adapter.health().state === "ready", {
      what: "second identify",
    });
    fake.invalidateSession(bot.id);
    await waitFor(() => adapter.health().reason?.includes("identify budget"), { what: "budget exhausted" });
    await new Promise((r) => setTimeout(r, 200));
    expect(fake.identifyCount(bot.id)).toBe(2);
    expect(adapter.health().state).toBe("degraded");
  });

  it("refuses to start with no identify left, saying when to retry", async () => {
    const { fake } = world;
    const bot = freshBot({ remaining: 0 });
    const { adapter } = adapters.create(fastOptions(fake, bot));
    const error = await adapter.start(async () => {}).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "RATE_LIMITED" });
    expect((error as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(3_000_000);
    expect(fake.identifyCount(bot.id)).toBe(0);
  });
});

describe("health", () => {
  it("starts connecting, reports ready and keeps time of the last event", async () => {
    const { fake } = world;
    const bot = freshBot();
    const { adapter } = adapters.create(fastOptions(fake, bot));
    expect(adapter.health().state).toBe("connecting");
    await adapter.start(async () => {});
    expect(adapter.health().state).toBe("ready");
    const first = adapter.health().lastEventAt ?? 0;
    expect(first).toBeGreaterThan(0);
    // Heartbeat ACKs count as events, so an idle but healthy connection keeps it fresh.
    await waitFor(() => (adapter.health().lastEventAt ?? 0) > first, { what: "heartbeat ack" });
    await adapter.stop();
    expect(adapter.health().state).toBe("stopped");
  });
});

function expectNoSecret(values: unknown[], token: string): void {
  const text = JSON.stringify(values, (_key, value: unknown) =>
    value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value,
  );
  expect(text).not.toContain(token);
  expect(text).not.toContain(token.split(".").at(-1));
}
