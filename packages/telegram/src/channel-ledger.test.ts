import { createMemoryStore, type InboundEnvelope, type KeyValueStore } from "@patchbay/core";
import type { FakeTelegramBotApi } from "@patchbay/testkit/telegram";
import { afterEach, describe, expect, it } from "vitest";
import { createTelegramChannel } from "./index.js";
import { startChannel, startFake, testOptions } from "./test-harness.js";

let fake: FakeTelegramBotApi;
const cleanup: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const stop of cleanup.splice(0).reverse()) await stop();
  await fake?.stop();
});

/**
 * Runs one channel until it is inside the sink for `text`, then stops it while the sink is still
 * working. The update is committed to the store, but no later getUpdates ever acknowledged it to
 * Telegram: exactly the state a crash right after processing leaves behind.
 */
async function processThenStopBeforeAck(state: KeyValueStore, text: string) {
  const bot = fake.world.bots.values().next().value!.bot;
  const received: InboundEnvelope[] = [];
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  let entered!: () => void;
  const inSink = new Promise<void>((resolve) => {
    entered = resolve;
  });
  const channel = createTelegramChannel(testOptions(fake, bot, { state }));
  await channel.start(async (envelope) => {
    received.push(envelope);
    entered();
    await gate;
  });
  fake.userMessage(bot, { from: fake.user(), text });
  await inSink;
  const stopped = channel.stop();
  release();
  await stopped;
  return received;
}

describe("no replays across restarts (OpenClaw #122886)", () => {
  it("a restart with the same state store never processes an update twice", async () => {
    fake = await startFake();
    const bot = fake.addBot();
    const state = createMemoryStore();
    const first = await processThenStopBeforeAck(state, "only once");
    expect(first.map((e) => e.text)).toEqual(["only once"]);
    // Telegram still holds it: nothing acknowledged it.
    expect(fake.pendingUpdates(bot).map((u) => u.message?.text)).toEqual(["only once"]);

    const callsBefore = fake.calls.length;
    const { inbox } = await startChannel(fake, bot, cleanup, { state });
    fake.userMessage(bot, { from: fake.user(), text: "new after restart" });
    expect((await inbox.next()).text).toBe("new after restart");
    expect(inbox.envelopes.map((e) => e.text)).toEqual(["new after restart"]);
    // The restarted channel resumed from the stored offset: past update 1.
    const firstPoll = fake.calls.slice(callsBefore).find((c) => c.method === "getUpdates");
    expect(firstPoll?.params.offset).toBe(2);
  });

  it("the same scenario with a fresh store replays the update (the test can tell)", async () => {
    fake = await startFake();
    const bot = fake.addBot();
    await processThenStopBeforeAck(createMemoryStore(), "replayed");
    const { inbox } = await startChannel(fake, bot, cleanup, { state: createMemoryStore() });
    expect((await inbox.next()).text).toBe("replayed");
  });

  it("persists the offset before the getUpdates that acknowledges it", async () => {
    fake = await startFake();
    const bot = fake.addBot();
    const inner = createMemoryStore();
    const violations: string[] = [];
    const state: KeyValueStore = {
      get: (key) => inner.get(key),
      delete: (key) => inner.delete(key),
      async set(key, value) {
        const offset = (value as { offset: number }).offset;
        const early = fake.callsTo("getUpdates", bot).find((c) => Number(c.params.offset) >= offset);
        if (early)
          violations.push(
            `getUpdates offset ${String(early.params.offset)} reached Telegram before ${offset} was stored`,
          );
        await inner.set(key, value);
      },
    };
    const { inbox } = await startChannel(fake, bot, cleanup, { state });
    for (let i = 0; i < 5; i++) fake.userMessage(bot, { from: fake.user(), text: `m${i}` });
    for (let i = 0; i < 5; i++) await inbox.next();
    await fake.waitUntil(() => fake.pendingUpdates(bot).length === 0, { what: "acknowledgment" });
    expect(violations).toEqual([]);
    const stored = await inner.get<{ offset: number; seen: string[] }>("telegram:default:updates");
    expect(stored?.offset).toBe(6);
    expect(stored?.seen).toEqual(["1", "2", "3", "4", "5"]);
  });

  it("drops the same update delivered twice", async () => {
    fake = await startFake();
    const bot = fake.addBot();
    const { inbox, logger } = await startChannel(fake, bot, cleanup);
    const update = fake.userMessage(bot, { from: fake.user(), text: "once" });
    await inbox.next();
    fake.redeliver(bot, update);
    fake.userMessage(bot, { from: fake.user(), text: "twice?" });
    expect((await inbox.next()).text).toBe("twice?");
    expect(inbox.envelopes.map((e) => e.text)).toEqual(["once", "twice?"]);
    expect(
      logger.records.some(
        (r) => r.message === "dropped a redelivered update" && r.fields.updateId === update.update_id,
      ),
    ).toBe(true);
  });

  it("remembers processed update ids across a restart (dedupe window in the store)", async () => {
    fake = await startFake();
    const bot = fake.addBot();
    const state = createMemoryStore();
    const first = await startChannel(fake, bot, cleanup, { state });
    const update = fake.userMessage(bot, { from: fake.user(), text: "processed" });
    await first.inbox.next();
    await first.channel.stop();
    const second = await startChannel(fake, bot, cleanup, { state });
    fake.redeliver(bot, update);
    fake.userMessage(bot, { from: fake.user(), text: "fresh" });
    expect((await second.inbox.next()).text).toBe("fresh");
    expect(second.inbox.envelopes).toHaveLength(1);
  });

  it("retries a sink failure in place, keeping order, and delivers once", async () => {
    fake = await startFake();
    const bot = fake.addBot();
    const { inbox } = await startChannel(fake, bot, cleanup);
    inbox.failNext = 2;
    fake.userMessage(bot, { from: fake.user(), text: "first" });
    fake.userMessage(bot, { from: fake.user(), text: "second" });
    await inbox.next();
    await inbox.next();
    expect(inbox.envelopes.map((e) => e.text)).toEqual(["first", "second"]);
  });

  it("gives up on an update the sink keeps refusing, logs it, and moves on", async () => {
    fake = await startFake();
    const bot = fake.addBot();
    const { inbox, logger } = await startChannel(fake, bot, cleanup, { deliveryAttempts: 3 });
    inbox.failNext = 3;
    const refused = fake.userMessage(bot, { from: fake.user(), text: "refused" });
    fake.userMessage(bot, { from: fake.user(), text: "next" });
    expect((await inbox.next()).text).toBe("next");
    const error = logger.records.find((r) => r.level === "error");
    expect(error?.message).toBe("dropping an update the gateway did not accept");
    expect(error?.fields).toMatchObject({ updateId: refused.update_id, attempts: 3 });
  });

  it("ignores a stored ledger that belongs to another bot", async () => {
    fake = await startFake();
    const bot = fake.addBot();
    const state = createMemoryStore({
      "telegram:default:updates": { v: 1, botId: 42, offset: 999, seen: ["1"] },
    });
    const { inbox } = await startChannel(fake, bot, cleanup, { state });
    fake.userMessage(bot, { from: fake.user(), text: "update 1 of this bot" });
    expect((await inbox.next()).text).toBe("update 1 of this bot");
  });
});
