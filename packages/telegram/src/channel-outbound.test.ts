import { GatewayError, RateLimitError } from "@patchbay/core";
import type { FakeTelegramBotApi } from "@patchbay/testkit/telegram";
import { afterEach, describe, expect, it } from "vitest";
import { PartialSendError } from "./index.js";
import { startChannel, startFake } from "./test-harness.js";

let fake: FakeTelegramBotApi;
const cleanup: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const stop of cleanup.splice(0).reverse()) await stop();
  await fake?.stop();
});

async function setup(overrides: Parameters<typeof startChannel>[3] = {}) {
  fake = await startFake();
  const bot = fake.addBot({ username: "alpha_bot" });
  const running = await startChannel(fake, bot, cleanup, overrides);
  return { bot, ...running };
}

const to = (peer: { kind: "direct" | "group" | "channel"; id: string }, threadId?: string) => ({
  channel: "telegram",
  accountId: "default",
  peer,
  ...(threadId ? { threadId } : {}),
});

describe("outbound", () => {
  it("answers in the same chat, quoting the message, and returns <chatId>:<messageId> ids", async () => {
    const { bot, inbox, channel } = await setup();
    const alice = fake.user();
    fake.userMessage(bot, { from: alice, text: "ping" });
    const envelope = await inbox.next();
    const sent = await channel.send(to(envelope.peer), { text: "pong", replyToId: envelope.id });
    const reply = await fake.nextReply(bot);
    expect(reply).toMatchObject({ token: bot.token, chatId: alice.id, text: "pong" });
    expect(reply.replyToMessageId).toBe(Number(envelope.id.split(":")[1]));
    expect(reply.parseMode).toBeUndefined();
    expect(sent.ids).toEqual([`${alice.id}:${reply.message.message_id}`]);
  });

  it("answers inside the forum topic the message came from", async () => {
    const { bot, inbox, channel } = await setup();
    const forum = fake.group({ forum: true });
    const topic = fake.createForumTopic(forum, "Support");
    fake.userMessage(bot, { from: fake.user(), chat: forum, topic: topic.threadId, text: "help" });
    const envelope = await inbox.next();
    await channel.send(to(envelope.peer, envelope.threadId), { text: "on it", replyToId: envelope.id });
    const reply = await fake.nextReply(bot);
    expect(reply).toMatchObject({ chatId: forum.id, threadId: topic.threadId, text: "on it" });
    // The topic in the peer id alone is enough, too.
    await channel.send(to(envelope.peer), { text: "done" });
    expect((await fake.nextReply(bot)).threadId).toBe(topic.threadId);
  });

  it("never sends message_thread_id 1 (the General topic rejects it)", async () => {
    const { bot, channel } = await setup();
    const forum = fake.group({ forum: true });
    await channel.send(to({ kind: "group", id: String(forum.id) }, "1"), { text: "general" });
    const call = fake.callsTo("sendMessage", bot)[0];
    expect(call?.params).not.toHaveProperty("message_thread_id");
    expect(call?.status).toBe(200);
  });

  it("chunks long text at 4096 characters, in order, quoting with the first chunk only", async () => {
    const { bot, inbox, channel } = await setup();
    fake.userMessage(bot, { from: fake.user(), text: "write a lot" });
    const envelope = await inbox.next();
    const paragraph = `${"word ".repeat(599)}end`;
    const text = Array.from({ length: 3 }, (_, i) => `part ${i}: ${paragraph}`).join("\n\n");
    expect(text.length).toBeGreaterThan(8192);
    const sent = await channel.send(to(envelope.peer), { text, replyToId: envelope.id });
    const replies = fake.sentBy(bot);
    expect(sent.ids).toHaveLength(replies.length);
    expect(replies.length).toBeGreaterThanOrEqual(3);
    expect(replies.every((r) => r.text.length <= 4096)).toBe(true);
    expect(
      replies
        .map((r) => r.text)
        .join("\n\n")
        .replace(/\s+/g, " "),
    ).toBe(text.replace(/\s+/g, " "));
    expect(replies.map((r) => r.replyToMessageId !== undefined)).toEqual(replies.map((_, i) => i === 0));
  });

  it("when a later chunk fails, throws PartialSendError carrying the ids of the chunks sent", async () => {
    const { bot, channel } = await setup();
    const user = fake.world.privateChat(fake.user());
    const text = ["a", "b", "c"].map((w) => `${w} `.repeat(2000) + w).join("\n\n");
    const stopWatching = fake.onMessageSent(() => {
      stopWatching();
      fake.injectFault({
        bot,
        method: "sendMessage",
        kind: { type: "error", code: 403, description: "Forbidden: bot was blocked by the user" },
      });
    });
    const error = await channel
      .send(to({ kind: "direct", id: String(user.id) }), { text })
      .catch((e: unknown) => e);
    const delivered = fake.sentBy(bot);
    expect(delivered).toHaveLength(1);
    expect(error).toBeInstanceOf(PartialSendError);
    expect(error).toMatchObject({
      code: "PLATFORM_ERROR",
      accountId: "default",
      sentIds: [`${user.id}:${delivered[0]?.message.message_id}`],
    });
    expect((error as Error).message).toContain("after 1 of 3 parts were sent");
    expect((error as Error).cause).toMatchObject({ status: 403 });
  });

  it("a token refused between chunks still turns the account needs-login", async () => {
    const { bot, channel } = await setup();
    const user = fake.world.privateChat(fake.user());
    const text = [`${"a ".repeat(2000)}a`, `${"b ".repeat(2000)}b`].join("\n\n");
    const stopWatching = fake.onMessageSent(() => {
      stopWatching();
      // Only this send is refused (the poll keeps working), so the send path alone must notice.
      fake.injectFault({ bot, method: "sendMessage", kind: { type: "unauthorized" } });
    });
    const error = await channel
      .send(to({ kind: "direct", id: String(user.id) }), { text })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "AUTH_FAILED", sentIds: [expect.any(String)] });
    expect(channel.health().state).toBe("needs-login");
  });

  it("sends markdown as HTML by default, escaped so Telegram parses it", async () => {
    const { bot, channel } = await setup();
    const user = fake.user();
    fake.world.privateChat(user);
    const markdown =
      "**Total**: 1 < 2 && 3 > 2, see [docs](https://example.com/a?b=1&c=2)\n```ts\nif (a < b) {}\n```";
    await channel.send(to({ kind: "direct", id: String(user.id) }), { text: markdown, format: "markdown" });
    const reply = await fake.nextReply(bot);
    expect(reply.parseMode).toBe("HTML");
    expect(reply.text).toBe("Total: 1 < 2 && 3 > 2, see docs\nif (a < b) {}");
    expect(reply.entities).toEqual([
      { type: "bold", offset: 0, length: 5 },
      { type: "text_link", offset: 27, length: 4, url: "https://example.com/a?b=1&c=2" },
      { type: "pre", offset: 32, length: 13, language: "ts" },
    ]);
  });

  it("sends markdown as MarkdownV2 when configured, every reserved character escaped", async () => {
    const { bot, channel } = await setup({ parseMode: "MarkdownV2" });
    const user = fake.user();
    fake.world.privateChat(user);
    const markdown = "_Note_: v1.2-beta (final)! #1 = {ok} | ~~old~~ `a_b*c`";
    await channel.send(to({ kind: "direct", id: String(user.id) }), { text: markdown, format: "markdown" });
    const reply = await fake.nextReply(bot);
    expect(reply.parseMode).toBe("MarkdownV2");
    expect(reply.text).toBe("Note: v1.2-beta (final)! #1 = {ok} | old a_b*c");
    expect(reply.entities.map((e) => e.type)).toEqual(["italic", "strikethrough", "code"]);
  });

  it("falls back to plain text when Telegram cannot parse the entities", async () => {
    const { bot, channel, logger } = await setup();
    const user = fake.user();
    fake.world.privateChat(user);
    fake.injectFault({
      bot,
      method: "sendMessage",
      kind: {
        type: "error",
        code: 400,
        description: "Bad Request: can't parse entities: Unsupported start tag",
      },
    });
    const sent = await channel.send(to({ kind: "direct", id: String(user.id) }), {
      text: "**hi**",
      format: "markdown",
    });
    const calls = fake.callsTo("sendMessage", bot);
    expect(calls.map((c) => [c.status, c.params.parse_mode])).toEqual([
      [400, "HTML"],
      [200, undefined],
    ]);
    expect(calls[1]?.params.text).toBe("**hi**");
    expect(sent.ids).toHaveLength(1);
    expect(
      logger.records.some((r) => r.level === "warn" && r.message.includes("resending it as plain text")),
    ).toBe(true);
  });

  it("shows a typing indicator in the chat and topic", async () => {
    const { bot, channel } = await setup();
    const forum = fake.group({ forum: true });
    const topic = fake.createForumTopic(forum, "T");
    await channel.sendTyping(to({ kind: "group", id: `${forum.id}:topic:${topic.threadId}` }));
    expect(fake.chatActions).toEqual([
      { token: bot.token, botId: bot.id, chatId: forum.id, threadId: topic.threadId, action: "typing" },
    ]);
  });

  it("refuses a target of another account before any call (account affinity)", async () => {
    const { bot, channel } = await setup();
    const target = { channel: "telegram", accountId: "other", peer: { kind: "direct" as const, id: "1" } };
    await expect(channel.send(target, { text: "x" })).rejects.toMatchObject({ code: "ACCOUNT_MISMATCH" });
    await expect(channel.sendTyping(target)).rejects.toBeInstanceOf(GatewayError);
    expect(fake.callsTo("sendMessage", bot)).toHaveLength(0);
  });

  it("paces messages to one chat (at least perChatIntervalMs apart)", async () => {
    const { bot, channel } = await setup({
      pacing: { perChatIntervalMs: 60, groupPerMinute: 100, globalPerSecond: 100 },
    });
    const user = fake.user();
    fake.world.privateChat(user);
    const target = to({ kind: "direct", id: String(user.id) });
    await Promise.all(["one", "two", "three"].map((text) => channel.send(target, { text })));
    const calls = fake.callsTo("sendMessage", bot);
    expect(calls.map((c) => c.params.text)).toEqual(["one", "two", "three"]);
    for (let i = 1; i < calls.length; i++) {
      // Lower bound only; a slow machine can only widen the gap. 5 ms covers timer rounding.
      expect((calls[i]?.at ?? 0) - (calls[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(55);
    }
  });

  it("holds messages to a group past groupPerMinute, while DMs and other groups go on", async () => {
    const { bot, channel } = await setup({
      pacing: { perChatIntervalMs: 0, groupPerMinute: 2, globalPerSecond: 100 },
    });
    const busy = fake.group({ title: "busy" });
    const quiet = fake.group({ title: "quiet" });
    const user = fake.world.privateChat(fake.user());
    const toBusy = to({ kind: "group", id: String(busy.id) });
    const sends = ["g1", "g2", "g3"].map((text) => channel.send(toBusy, { text }));
    await Promise.all(sends.slice(0, 2));
    // Sent after g3 was queued, and delivered while g3 still waits for the minute to pass.
    await channel.send(to({ kind: "direct", id: String(user.id) }), { text: "dm" });
    await channel.send(to({ kind: "group", id: String(quiet.id) }), { text: "other group" });
    expect(fake.sentBy(bot).map((m) => m.text)).toEqual(["g1", "g2", "dm", "other group"]);
    await channel.stop();
    await expect(sends[2]).rejects.toMatchObject({ code: "CONNECTION_FAILED" });
    expect(fake.callsTo("sendMessage", bot).map((c) => c.params.text)).not.toContain("g3");
  });

  it("caps the whole bot at globalPerSecond across chats", async () => {
    const { bot, channel } = await setup({
      pacing: { perChatIntervalMs: 0, groupPerMinute: 100, globalPerSecond: 2 },
    });
    const chats = Array.from({ length: 3 }, () => fake.world.privateChat(fake.user()));
    await Promise.all(
      chats.map((chat, i) => channel.send(to({ kind: "direct", id: String(chat.id) }), { text: `m${i}` })),
    );
    const at = fake.callsTo("sendMessage", bot).map((c) => c.at);
    expect(at).toHaveLength(3);
    // Lower bound only: the third waits until the first is a second old (5 ms for timer rounding).
    expect((at[2] ?? 0) - (at[0] ?? 0)).toBeGreaterThanOrEqual(995);
  });

  it("answers a 429 storm with waits, not a retry loop (one rejected attempt per message)", async () => {
    const { bot, channel, logger } = await setup();
    const chats = Array.from({ length: 5 }, () => fake.world.privateChat(fake.user()));
    fake.floodWait(bot, 3, ["sendMessage"]);
    const results = await Promise.all(
      chats.map((chat) => channel.send(to({ kind: "direct", id: String(chat.id) }), { text: "hi" })),
    );
    expect(results.every((r) => r.ids.length === 1)).toBe(true);
    const calls = fake.callsTo("sendMessage", bot);
    const rejected = calls.filter((c) => c.status === 429);
    expect(calls.filter((c) => c.status === 200)).toHaveLength(5);
    expect(rejected.length).toBeGreaterThanOrEqual(5);
    // Each message waited retry_after before trying again: at most one more rejection each.
    expect(calls.length).toBeLessThanOrEqual(10);
    expect(logger.records.filter((r) => r.message.startsWith("Telegram rate limit")).length).toBe(
      rejected.length,
    );
  });

  it("gives up after maxAttempts 429s with a RateLimitError", async () => {
    const { bot, channel } = await setup({ retry: { maxAttempts: 3, retryAfterUnitMs: 5 } });
    const user = fake.world.privateChat(fake.user());
    fake.injectFault({ bot, method: "sendMessage", times: 10, kind: { type: "rateLimit", retryAfter: 1 } });
    const error = await channel
      .send(to({ kind: "direct", id: String(user.id) }), { text: "x" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBe(5);
    expect(fake.callsTo("sendMessage", bot)).toHaveLength(3);
  });

  it("fails fast when retry_after is longer than maxRetryAfterMs", async () => {
    const { bot, channel } = await setup({ retry: { maxRetryAfterMs: 100, retryAfterUnitMs: 1000 } });
    const user = fake.world.privateChat(fake.user());
    fake.injectFault({ bot, method: "sendMessage", kind: { type: "rateLimit", retryAfter: 30 } });
    const error = await channel
      .send(to({ kind: "direct", id: String(user.id) }), { text: "x" })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "RATE_LIMITED", retryAfterMs: 30_000 });
    expect(fake.callsTo("sendMessage", bot)).toHaveLength(1);
  });

  it("rejects a peer id that is not a Telegram chat", async () => {
    const { channel } = await setup();
    await expect(channel.send(to({ kind: "direct", id: "../../etc" }), { text: "x" })).rejects.toThrow(
      /not a Telegram chat/,
    );
  });
});
