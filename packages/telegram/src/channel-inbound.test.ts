import type { FakeTelegramBotApi } from "@patchbay/testkit/telegram";
import { afterEach, describe, expect, it } from "vitest";
import { startChannel, startFake } from "./test-harness.js";

let fake: FakeTelegramBotApi;
const cleanup: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const stop of cleanup.splice(0).reverse()) await stop();
  await fake?.stop();
});

async function setup() {
  fake = await startFake();
  const bot = fake.addBot({ username: "alpha_bot" });
  const running = await startChannel(fake, bot, cleanup);
  return { bot, ...running };
}

describe("inbound over long polling (spec §2.1)", () => {
  it("delivers a DM as a direct peer keyed by the sender", async () => {
    const { bot, inbox } = await setup();
    const alice = fake.user({ firstName: "Alice", lastName: "Liddell", username: "alice" });
    const update = fake.userMessage(bot, { from: alice, text: "hello" });
    const envelope = await inbox.next();
    expect(envelope).toMatchObject({
      id: `${alice.id}:${update.message?.message_id}`,
      channel: "telegram",
      accountId: "default",
      peer: { kind: "direct", id: String(alice.id) },
      sender: { id: String(alice.id), name: "Alice Liddell", username: "alice", isBot: false },
      text: "hello",
      mentionsBot: false,
      replyToBot: false,
      attachments: [],
      timestamp: (update.message?.date ?? 0) * 1000,
    });
    expect(envelope.parentPeer).toBeUndefined();
    expect(envelope.threadId).toBeUndefined();
    expect(envelope.raw).toEqual(update);
  });

  it("delivers basic groups and supergroups as group peers keyed by the chat id", async () => {
    const { bot, inbox } = await setup();
    const bob = fake.user({ firstName: "Bob" });
    const basic = fake.group({ title: "Basic" });
    const supergroup = fake.group({ title: "Super", supergroup: true });
    fake.userMessage(bot, { from: bob, chat: basic, text: "in basic" });
    fake.userMessage(bot, { from: bob, chat: supergroup, text: "in super" });
    const first = await inbox.next();
    const second = await inbox.next();
    expect(first.peer).toEqual({ kind: "group", id: String(basic.id) });
    expect(second.peer).toEqual({ kind: "group", id: String(supergroup.id) });
    expect(second.peer.id.startsWith("-100")).toBe(true);
    expect(second.sender).toEqual({ id: String(bob.id), name: "Bob", isBot: false });
  });

  it("keys a forum topic as <chatId>:topic:<threadId> with the group as parentPeer", async () => {
    const { bot, inbox } = await setup();
    const carol = fake.user({ firstName: "Carol" });
    const forum = fake.group({ title: "Forum", forum: true });
    const topic = fake.createForumTopic(forum, "Releases", carol);
    fake.userMessage(bot, { from: carol, chat: forum, topic: topic.threadId, text: "ship it?" });
    const envelope = await inbox.next();
    expect(envelope.peer).toEqual({ kind: "group", id: `${forum.id}:topic:${topic.threadId}` });
    expect(envelope.parentPeer).toEqual({ kind: "group", id: String(forum.id) });
    expect(envelope.threadId).toBe(String(topic.threadId));
    // Telegram makes every topic message a "reply" to the topic's root: that is not a reply.
    expect(envelope.replyTo).toBeUndefined();
    expect(envelope.replyToBot).toBe(false);
  });

  it("treats the General topic of a forum as the group itself", async () => {
    const { bot, inbox } = await setup();
    const forum = fake.group({ forum: true });
    fake.userMessage(bot, { from: fake.user(), chat: forum, text: "general chat" });
    const envelope = await inbox.next();
    expect(envelope.peer).toEqual({ kind: "group", id: String(forum.id) });
    expect(envelope.parentPeer).toBeUndefined();
  });

  it("delivers channel posts as channel peers attributed to the channel", async () => {
    const { bot, inbox } = await setup();
    const news = fake.channel({ title: "News", username: "news_channel" });
    fake.channelPost(bot, news, "breaking");
    const envelope = await inbox.next();
    expect(envelope.peer).toEqual({ kind: "channel", id: String(news.id) });
    expect(envelope.sender).toEqual({
      id: String(news.id),
      name: "News",
      username: "news_channel",
      isBot: false,
    });
    expect(envelope.text).toBe("breaking");
  });

  it("attributes a message sent on behalf of a chat (anonymous admin) to that chat", async () => {
    const { bot, inbox } = await setup();
    const group = fake.group({ title: "Admins", supergroup: true });
    const anonymousBot = fake.user({
      id: 1087968824,
      firstName: "Group",
      username: "GroupAnonymousBot",
      isBot: true,
    });
    fake.userMessage(bot, { from: anonymousBot, chat: group, senderChat: group, text: "from an admin" });
    const envelope = await inbox.next();
    expect(envelope.sender).toEqual({ id: String(group.id), name: "Admins", isBot: false });
  });

  it("detects mentions of this bot only, from entities", async () => {
    const { bot, inbox } = await setup();
    const dan = fake.user({ firstName: "Dan" });
    const group = fake.group();
    const cases: Array<[string, boolean]> = [
      ["@alpha_bot what's up", true],
      ["hey @ALPHA_BOT", true],
      ["/status@alpha_bot", true],
      ["/status@other_bot", false],
      ["/status", false],
      ["@other_bot hello", false],
      ["mail me at x@alpha_bot.example", false],
    ];
    for (const [text] of cases) fake.userMessage(bot, { from: dan, chat: group, text });
    fake.userMessage(bot, {
      from: dan,
      chat: group,
      text: "Alpha, look",
      entities: [{ type: "text_mention", offset: 0, length: 5, user: bot.user }],
    });
    for (const [text, expected] of cases) {
      const envelope = await inbox.next(text);
      expect({ text: envelope.text, mentionsBot: envelope.mentionsBot }).toEqual({
        text,
        mentionsBot: expected,
      });
    }
    expect((await inbox.next()).mentionsBot).toBe(true);
  });

  it("marks replies to this bot's messages and references the quoted message", async () => {
    const { bot, inbox, channel } = await setup();
    const erin = fake.user({ firstName: "Erin" });
    fake.userMessage(bot, { from: erin, text: "question" });
    const question = await inbox.next();
    await channel.send(
      { channel: "telegram", accountId: "default", peer: question.peer },
      { text: "answer" },
    );
    const answer = await fake.nextReply(bot);
    fake.userMessage(bot, { from: erin, text: "thanks", replyTo: answer.message });
    const reply = await inbox.next();
    expect(reply.replyToBot).toBe(true);
    expect(reply.replyTo).toEqual({
      id: `${answer.chatId}:${answer.message.message_id}`,
      text: "answer",
      senderId: String(bot.id),
    });
    fake.userMessage(bot, {
      from: erin,
      text: "quoting myself",
      replyTo: fake.userMessage(bot, { from: erin, text: "x" }).message,
    });
    expect((await inbox.next()).replyToBot).toBe(false);
    const quotingSelf = await inbox.next();
    expect(quotingSelf.replyToBot).toBe(false);
    expect(quotingSelf.replyTo?.senderId).toBe(String(erin.id));
  });

  it("reports attachments as metadata and uses the caption as text", async () => {
    const { bot, inbox } = await setup();
    const frank = fake.user();
    fake.userMessage(bot, {
      from: frank,
      caption: "look at this",
      extra: {
        photo: [
          { file_id: "small", file_unique_id: "s", width: 90, height: 90, file_size: 1000 },
          { file_id: "large", file_unique_id: "l", width: 1280, height: 960, file_size: 90000 },
        ],
      },
    });
    fake.userMessage(bot, {
      from: frank,
      extra: {
        document: {
          file_id: "doc1",
          file_unique_id: "d",
          file_name: "report.pdf",
          mime_type: "application/pdf",
          file_size: 4242,
        },
      },
    });
    fake.userMessage(bot, {
      from: frank,
      extra: { voice: { file_id: "v1", file_unique_id: "v", duration: 3, mime_type: "audio/ogg" } },
    });
    const photo = await inbox.next();
    expect(photo.text).toBe("look at this");
    expect(photo.attachments).toEqual([{ kind: "image", fileId: "large", size: 90000, mime: "image/jpeg" }]);
    const doc = await inbox.next();
    expect(doc.text).toBe("");
    expect(doc.attachments).toEqual([
      { kind: "document", fileId: "doc1", name: "report.pdf", mime: "application/pdf", size: 4242 },
    ]);
    expect((await inbox.next()).attachments).toEqual([{ kind: "voice", fileId: "v1", mime: "audio/ogg" }]);
  });

  it("drops edited messages, service messages and the bot's own messages on purpose", async () => {
    const { bot, inbox, logger } = await setup();
    const gina = fake.user({ firstName: "Gina" });
    const group = fake.group();
    const original = fake.userMessage(bot, { from: gina, chat: group, text: "tpyo" });
    expect((await inbox.next()).text).toBe("tpyo");
    fake.editMessage(bot, original.message!, "typo");
    fake.serviceMessage(bot, group, gina, { new_chat_members: [fake.user()] });
    fake.serviceMessage(bot, group, gina, { pinned_message: original.message });
    fake.userMessage(bot, { from: bot.user, chat: group, text: "my own words" });
    fake.userMessage(bot, { from: gina, chat: group, text: "after the noise" });
    // Updates are processed in order, so the next envelope proves the four before were dropped.
    expect((await inbox.next()).text).toBe("after the noise");
    const reasons = logger.records
      .filter((r) => r.message.startsWith("dropped update"))
      .map((r) => r.message);
    expect(reasons).toEqual([
      "dropped update: edited message (edits are not processed again)",
      "dropped update: service message (new_chat_members)",
      "dropped update: service message (pinned_message)",
      "dropped update: the bot's own message",
    ]);
    expect(
      logger.records.filter((r) => r.message.startsWith("dropped update")).every((r) => r.level === "debug"),
    ).toBe(true);
  });

  it("logs a group's migration to a supergroup at info, naming both ids", async () => {
    const { bot, inbox, logger } = await setup();
    const group = fake.group();
    fake.serviceMessage(bot, group, fake.user(), { migrate_to_chat_id: -1001234567890 });
    fake.userMessage(bot, { from: fake.user(), text: "next" });
    await inbox.next();
    const record = logger.records.find((r) => r.message.includes("migrated"));
    expect(record?.level).toBe("info");
    expect(record?.message).toContain(String(group.id));
    expect(record?.message).toContain("-1001234567890");
  });

  it("logs and drops a malformed update without crashing, and moves past it", async () => {
    const { bot, inbox, logger, channel } = await setup();
    fake.deliverRaw(bot, { message: { message_id: "not a number", chat: "nowhere" } });
    fake.deliverRaw(bot, { message: { message_id: 5, date: 1, chat: { id: 1, type: "martian" } } });
    fake.userMessage(bot, { from: fake.user(), text: "still alive" });
    expect((await inbox.next()).text).toBe("still alive");
    const warnings = logger.records.filter(
      (r) => r.level === "warn" && r.message.includes("malformed update"),
    );
    expect(warnings).toHaveLength(2);
    expect(warnings[0]?.message).toContain("message.message_id");
    expect(channel.health().state).toBe("ready");
    await fake.waitUntil(() => fake.pendingUpdates(bot).length === 0, { what: "all updates confirmed" });
  });
});
