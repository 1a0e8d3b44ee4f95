import { describe, expect, it } from "vitest";
import { decideInbound, mentionsBot } from "./inbound.js";

const bot = { id: 777, username: "Alpha_Bot", firstName: "Alpha" };
const ctx = { accountId: "default", bot };
const chat = { id: -100555, type: "supergroup" as const, is_forum: true };
const user = { id: 42, is_bot: false, first_name: "Ann" };

function message(extra: Record<string, unknown>) {
  return { update_id: 10, message: { message_id: 50, date: 1_700_000_000, chat, from: user, ...extra } };
}

describe("mentionsBot", () => {
  const at = (text: string, type: string, offset = 0, length = text.length) =>
    mentionsBot(text, [{ type, offset, length }], bot);

  it("matches this bot's @username in any case, and nothing else", () => {
    expect(at("@alpha_bot", "mention")).toBe(true);
    expect(at("@ALPHA_BOT", "mention")).toBe(true);
    expect(at("@alpha_bot2", "mention")).toBe(false);
    expect(at("hi @alpha_bot", "mention", 0, 2)).toBe(false);
  });

  it("counts /command@thisbot but not /command@otherbot or a bare /command", () => {
    expect(at("/help@alpha_bot", "bot_command")).toBe(true);
    expect(at("/help@beta_bot", "bot_command")).toBe(false);
    expect(at("/help", "bot_command")).toBe(false);
  });

  it("counts a text_mention of the bot's id, and uses UTF-16 offsets", () => {
    expect(
      mentionsBot(
        "Alpha",
        [{ type: "text_mention", offset: 0, length: 5, user: { id: 777, is_bot: true, first_name: "A" } }],
        bot,
      ),
    ).toBe(true);
    expect(
      mentionsBot(
        "Alpha",
        [{ type: "text_mention", offset: 0, length: 5, user: { id: 1, is_bot: false, first_name: "A" } }],
        bot,
      ),
    ).toBe(false);
    expect(mentionsBot("🎉 @alpha_bot", [{ type: "mention", offset: 3, length: 10 }], bot)).toBe(true);
  });
});

describe("decideInbound", () => {
  it("uses caption entities for a captioned message", () => {
    const decision = decideInbound(
      message({
        caption: "@alpha_bot see",
        caption_entities: [{ type: "mention", offset: 0, length: 10 }],
        document: { file_id: "f" },
      }),
      ctx,
    );
    expect(decision.kind === "deliver" && decision.envelope.mentionsBot).toBe(true);
  });

  it("does not treat the forum topic root as a reply, but does treat a real reply in a topic as one", () => {
    const root = {
      message_id: 9,
      date: 1,
      chat,
      from: { id: 777, is_bot: true, first_name: "A" },
      forum_topic_created: { name: "t" },
    };
    const inTopic = decideInbound(
      message({ text: "x", is_topic_message: true, message_thread_id: 9, reply_to_message: root }),
      ctx,
    );
    expect(inTopic.kind === "deliver" && [inTopic.envelope.replyToBot, inTopic.envelope.replyTo]).toEqual([
      false,
      undefined,
    ]);
    const botLine = {
      message_id: 30,
      date: 1,
      chat,
      from: { id: 777, is_bot: true, first_name: "A" },
      text: "earlier",
    };
    const reply = decideInbound(
      message({ text: "y", is_topic_message: true, message_thread_id: 9, reply_to_message: botLine }),
      ctx,
    );
    expect(reply.kind === "deliver" && reply.envelope.replyTo).toEqual({
      id: "-100555:30",
      text: "earlier",
      senderId: "777",
    });
    expect(reply.kind === "deliver" && reply.envelope.replyToBot).toBe(true);
  });

  it("keeps a DM topic's thread id without changing the peer", () => {
    const dm = {
      update_id: 1,
      message: {
        message_id: 3,
        date: 1,
        chat: { id: 42, type: "private" },
        from: user,
        text: "t",
        is_topic_message: true,
        message_thread_id: 8,
      },
    };
    const decision = decideInbound(dm, ctx);
    expect(decision.kind === "deliver" && [decision.envelope.peer, decision.envelope.threadId]).toEqual([
      { kind: "direct", id: "42" },
      "8",
    ]);
  });

  it("ignores reply threads of a non-forum supergroup (only forum topics are threads)", () => {
    const plain = { id: -100777, type: "supergroup" };
    const decision = decideInbound(
      {
        update_id: 1,
        message: { message_id: 3, date: 1, chat: plain, from: user, text: "t", message_thread_id: 2 },
      },
      ctx,
    );
    expect(decision.kind === "deliver" && [decision.envelope.peer, decision.envelope.threadId]).toEqual([
      { kind: "group", id: "-100777" },
      undefined,
    ]);
  });

  it("reports unknown update types and malformed payloads as drops with reasons", () => {
    expect(decideInbound({ update_id: 1, poll_answer: {} }, ctx)).toMatchObject({
      kind: "drop",
      level: "debug",
      reason: 'unsupported update type "poll_answer"',
    });
    expect(decideInbound("garbage", ctx)).toMatchObject({ kind: "drop", level: "warn" });
    expect(decideInbound(null, ctx)).toMatchObject({ kind: "drop", level: "warn" });
    expect(decideInbound({ update_id: -1 }, ctx)).toMatchObject({ kind: "drop", level: "warn" });
  });

  it("keeps content without text (location, poll) instead of mistaking it for a service message", () => {
    const location = decideInbound(message({ location: { latitude: 1, longitude: 2 } }), ctx);
    expect(location.kind === "deliver" && location.envelope.attachments).toEqual([{ kind: "location" }]);
    const poll = decideInbound(message({ poll: { id: "p" } }), ctx);
    expect(poll.kind === "deliver" && poll.envelope.attachments).toEqual([{ kind: "other", name: "poll" }]);
  });
});
