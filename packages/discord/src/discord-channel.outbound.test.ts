import type { OutboundTarget } from "@patchbay/core";
import { GatewayError, RateLimitError } from "@patchbay/core";
import { waitFor } from "@patchbay/testkit";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { PartialSendError } from "./index.js";
import { Adapters, fastOptions, startWorld, type World } from "./test/harness.js";

let world: World;
const adapters = new Adapters();

beforeAll(async () => {
  world = await startWorld();
});
afterEach(async () => {
  await adapters.stopAll();
  world.fake.resetRecords();
});
afterAll(() => world.fake.stop());

const inChannel = (accountId: string, id: string): OutboundTarget => ({
  channel: "discord",
  accountId,
  peer: { kind: "channel", id },
});

describe("outbound (discord.js against the fake)", () => {
  it("two bots in one guild each reply as themselves", async () => {
    const { fake, alpha, beta, alice, general } = world;
    const a = await adapters.start(fastOptions(fake, alpha));
    const b = await adapters.start(fastOptions(fake, beta));
    fake.say({ from: alice.id, in: general, text: "who is there?" });
    const seenByA = await a.inbox.next("who is there?");
    const seenByB = await b.inbox.next("who is there?");
    await a.adapter.send(inChannel("alpha", general), { text: "alpha here", replyToId: seenByA.id });
    await b.adapter.send(inChannel("beta", general), { text: "beta here", replyToId: seenByB.id });
    const fromAlpha = await fake.nextBotMessage({ botId: alpha.id });
    const fromBeta = await fake.nextBotMessage({ botId: beta.id });
    expect(fromAlpha).toMatchObject({ channelId: general, content: "alpha here" });
    expect(fromAlpha.message.author.id).toBe(alpha.id);
    expect(fromAlpha.messageReference).toEqual({ message_id: seenByA.id, fail_if_not_exists: false });
    expect(fromBeta).toMatchObject({ channelId: general, content: "beta here" });
    expect(fromBeta.message.author.id).toBe(beta.id);
  });

  it("refuses a target that belongs to another account", async () => {
    const { fake, alpha, general } = world;
    const { adapter } = await adapters.start(fastOptions(fake, alpha));
    await expect(adapter.send(inChannel("beta", general), { text: "nope" })).rejects.toMatchObject({
      code: "ACCOUNT_MISMATCH",
    });
    expect(fake.sent.filter((r) => r.content === "nope")).toHaveLength(0);
  });

  it("replies in a DM to the user id of a direct peer", async () => {
    const { fake, alpha, bob } = world;
    const { adapter, inbox } = await adapters.start(fastOptions(fake, alpha));
    fake.sayDm({ from: bob.id, to: alpha.id, text: "dm me" });
    const envelope = await inbox.next("dm me");
    await adapter.send({ channel: "discord", accountId: "alpha", peer: envelope.peer }, { text: "hi bob" });
    const sent = await fake.nextBotMessage({ botId: alpha.id });
    expect(sent.channelId).toBe(fake.dmChannel(bob.id, alpha.id).id);
    expect(sent.content).toBe("hi bob");
  });

  it("replies in the thread a message came from", async () => {
    const { fake, alpha, alice, thread } = world;
    const { adapter, inbox } = await adapters.start(fastOptions(fake, alpha));
    fake.say({ from: alice.id, in: thread, text: "thread q" });
    const envelope = await inbox.next("thread q");
    await adapter.send(
      {
        channel: "discord",
        accountId: "alpha",
        peer: envelope.peer,
        ...(envelope.threadId ? { threadId: envelope.threadId } : {}),
      },
      { text: "thread a", replyToId: envelope.id },
    );
    expect((await fake.nextBotMessage({ botId: alpha.id })).channelId).toBe(thread);
  });

  it("chunks at 2000 characters and returns every message id", async () => {
    const { fake, alpha, general } = world;
    const { adapter } = await adapters.start(fastOptions(fake, alpha));
    const paragraph = "word ".repeat(180).trim(); // 899 characters
    const text = [paragraph, paragraph, paragraph, paragraph].join("\n\n");
    const { ids } = await adapter.send(inChannel("alpha", general), { text });
    const sent = fake.sent.filter((r) => ids.includes(r.message.id));
    expect(ids.length).toBeGreaterThan(1);
    expect(sent).toHaveLength(ids.length);
    for (const record of sent) expect([...record.content].length).toBeLessThanOrEqual(2000);
    expect(
      sent
        .map((r) => r.content)
        .join(" ")
        .replace(/\s+/g, " "),
    ).toBe(text.replace(/\s+/g, " "));
  });

  it("splits at maxLinesPerMessage and only the first chunk carries the reply reference", async () => {
    const { fake, alpha, alice, general } = world;
    const { adapter, inbox } = await adapters.start(fastOptions(fake, alpha, { maxLinesPerMessage: 3 }));
    fake.say({ from: alice.id, in: general, text: "list please" });
    const envelope = await inbox.next("list please");
    const text = ["1", "2", "3", "4", "5", "6", "7"].join("\n");
    const { ids } = await adapter.send(inChannel("alpha", general), { text, replyToId: envelope.id });
    const sent = fake.sent.filter((r) => ids.includes(r.message.id));
    expect(sent.map((r) => r.content)).toEqual(["1\n2\n3", "4\n5\n6", "7"]);
    expect(sent.map((r) => r.messageReference?.message_id)).toEqual([envelope.id, undefined, undefined]);
  });

  it("never lets agent output ping @everyone, @here or roles by default", async () => {
    const { fake, alpha, alice, general, mods } = world;
    const { adapter } = await adapters.start(fastOptions(fake, alpha));
    const text = `@everyone @here <@&${mods.id}> and <@${alice.id}>`;
    await adapter.send(inChannel("alpha", general), { text });
    const sent = await fake.nextBotMessage({ botId: alpha.id });
    expect(sent.allowedMentions).toEqual({ parse: ["users"], replied_user: true });
    expect(sent.pings).toEqual({ users: [alice.id], roles: [], everyone: false });
  });

  it("allows role pings only when configured, and only for the listed roles", async () => {
    const { fake, alpha, general, mods, guildId } = world;
    const other = fake.addRole(guildId, { name: "others" });
    const { adapter } = await adapters.start(
      fastOptions(fake, alpha, { allowedMentions: { roles: [mods.id], users: false, repliedUser: false } }),
    );
    await adapter.send(inChannel("alpha", general), { text: `<@&${mods.id}> <@&${other.id}> @everyone` });
    const sent = await fake.nextBotMessage({ botId: alpha.id });
    expect(sent.allowedMentions).toEqual({ parse: [], roles: [mods.id], replied_user: false });
    expect(sent.pings).toEqual({ users: [], roles: [mods.id], everyone: false });
  });

  it("escapes markdown for plain text and passes markdown through", async () => {
    const { fake, alpha, general } = world;
    const { adapter } = await adapters.start(fastOptions(fake, alpha));
    await adapter.send(inChannel("alpha", general), { text: "2*3*4 is _big_", format: "plain" });
    await adapter.send(inChannel("alpha", general), { text: "**bold**", format: "markdown" });
    expect((await fake.nextBotMessage({ botId: alpha.id })).content).toBe("2\\*3\\*4 is \\_big\\_");
    expect((await fake.nextBotMessage({ botId: alpha.id })).content).toBe("**bold**");
  });

  it("shows a typing indicator, once or kept alive until stopped", async () => {
    const { fake, alpha, general, bob } = world;
    const { adapter } = await adapters.start(fastOptions(fake, alpha, { typingIntervalMs: 20 }));
    await adapter.sendTyping(inChannel("alpha", general));
    expect(fake.typing).toContainEqual({ botId: alpha.id, channelId: general });
    const dm = { channel: "discord", accountId: "alpha", peer: { kind: "direct" as const, id: bob.id } };
    const stop = adapter.startTyping(dm);
    const dmId = fake.dmChannel(bob.id, alpha.id).id;
    await waitFor(() => fake.typing.filter((t) => t.channelId === dmId).length >= 2, {
      what: "typing renewals",
    });
    stop();
    const count = fake.typing.filter((t) => t.channelId === dmId).length;
    await new Promise((r) => setTimeout(r, 60));
    expect(fake.typing.filter((t) => t.channelId === dmId).length).toBe(count);
  });

  it("waits out a 429 as the rate-limit headers say, then delivers", async () => {
    const { fake, alpha, general } = world;
    const { adapter, logger } = await adapters.start(fastOptions(fake, alpha));
    fake.rateLimitNext({ botId: alpha.id, method: "POST", path: /\/messages$/, retryAfterMs: 150 });
    const { ids } = await adapter.send(inChannel("alpha", general), { text: "after the limit" });
    expect(ids).toHaveLength(1);
    const attempts = fake.restLog.filter(
      (r) => r.botId === alpha.id && r.path === `/channels/${general}/messages`,
    );
    expect(attempts.slice(-2).map((r) => r.status)).toEqual([429, 200]);
    expect(fake.rateLimitViolations).toBe(0);
    const logged = logger.records.find((r) => r.message === "discord rate limit: waiting as Discord asks");
    expect(logged?.fields).toMatchObject({ method: "POST", global: false });
  });

  it("fails with RateLimitError instead of waiting longer than maxRateLimitWaitMs", async () => {
    const { fake, alpha, general } = world;
    const { adapter } = await adapters.start(
      fastOptions(fake, alpha, { rest: { retries: 0, maxRateLimitWaitMs: 100 } }),
    );
    fake.rateLimitNext({ botId: alpha.id, method: "POST", path: /\/messages$/, retryAfterMs: 5_000 });
    const error = await adapter
      .send(inChannel("alpha", general), { text: "too slow" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBeGreaterThanOrEqual(4_000);
  });

  it("when a later chunk fails, throws PartialSendError carrying the ids of the chunks sent", async () => {
    const { fake, alpha, guildId } = world;
    // A channel of its own: an earlier test's rate-limit window may still cover #general.
    const channelId = fake.addChannel(guildId, { name: "partial" }).id;
    const { adapter } = await adapters.start(
      fastOptions(fake, alpha, { maxLinesPerMessage: 1, rest: { retries: 0, maxRateLimitWaitMs: 100 } }),
    );
    const stopWatching = fake.onBotMessage(() => {
      stopWatching();
      fake.rateLimitNext({ botId: alpha.id, method: "POST", path: /\/messages$/, retryAfterMs: 5_000 });
    });
    const error = await adapter
      .send(inChannel("alpha", channelId), { text: "one\ntwo\nthree" })
      .catch((e: unknown) => e);
    const delivered = fake.sent.filter((r) => r.channelId === channelId);
    expect(delivered.map((r) => r.content)).toEqual(["one"]);
    expect(error).toBeInstanceOf(PartialSendError);
    expect(error).toMatchObject({
      code: "RATE_LIMITED",
      accountId: "alpha",
      sentIds: [delivered[0]?.message.id],
    });
    expect((error as Error).message).toContain("after 1 of 3 parts were sent");
    expect((error as Error).cause).toBeInstanceOf(RateLimitError);
  });

  it("turns a Discord API error into a PlatformError with method and status", async () => {
    const { fake, alpha } = world;
    const { adapter } = await adapters.start(fastOptions(fake, alpha));
    const error = await adapter
      .send(inChannel("alpha", "999999999"), { text: "nowhere" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ code: "PLATFORM_ERROR", status: 404, method: "POST", accountId: "alpha" });
    expect((error as Error).message).not.toContain(alpha.token);
  });

  it("probe reports the bot identity", async () => {
    const { fake, alpha } = world;
    const { adapter } = adapters.create(fastOptions(fake, alpha));
    await expect(adapter.probe()).resolves.toMatchObject({ ok: true, identity: `alpha (${alpha.id})` });
  });
});
