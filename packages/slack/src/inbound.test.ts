import { describe, expect, it } from "vitest";
import {
  classifyMessageEvent,
  type InboundContext,
  peerKindFromChannelType,
  threadOf,
  toEnvelope,
} from "./inbound.js";

const ctx: InboundContext = { accountId: "work", teamId: "T1", botUserId: "UBOT", botId: "BBOT" };
const base = {
  type: "message",
  channel: "C1",
  channel_type: "channel",
  user: "U1",
  text: "hi",
  ts: "1700000000.000100",
};

function deliver(event: Record<string, unknown>) {
  const verdict = classifyMessageEvent(event, ctx);
  if (verdict.action !== "deliver") throw new Error(`dropped: ${verdict.reason}`);
  return verdict.message;
}

describe("classifyMessageEvent", () => {
  it.each([
    ["message_changed", "edit (edits are not re-delivered)"],
    ["message_deleted", "deletion"],
    ["message_replied", "thread metadata update"],
    ["channel_join", "subtype channel_join is not a user message"],
    ["channel_topic", "subtype channel_topic is not a user message"],
  ])("drops subtype %s at debug level", (subtype, reason) => {
    expect(classifyMessageEvent({ ...base, subtype }, ctx)).toEqual({
      action: "drop",
      reason,
      level: "debug",
    });
  });

  it.each(["bot_message", "thread_broadcast", "file_share", "me_message"])(
    "delivers subtype %s",
    (subtype) => {
      expect(classifyMessageEvent({ ...base, subtype, bot_id: "BX" }, ctx).action).toBe("deliver");
    },
  );

  it("drops the bot's own messages by user id and by bot id", () => {
    expect(classifyMessageEvent({ ...base, user: "UBOT" }, ctx)).toMatchObject({ reason: "own message" });
    expect(
      classifyMessageEvent({ ...base, user: undefined, bot_id: "BBOT", subtype: "bot_message" }, ctx),
    ).toMatchObject({ reason: "own message" });
  });

  it("warns about malformed events (no ts, bad ts, no author, not an object)", () => {
    for (const event of [
      { ...base, ts: undefined },
      { ...base, ts: "soon" },
      { ...base, user: undefined },
      "x",
      null,
    ]) {
      expect(classifyMessageEvent(event, ctx)).toMatchObject({ action: "drop", level: "warn" });
    }
  });

  it("drops hidden and empty messages", () => {
    expect(classifyMessageEvent({ ...base, hidden: true }, ctx)).toMatchObject({ reason: "hidden message" });
    expect(classifyMessageEvent({ ...base, text: "  " }, ctx)).toMatchObject({ reason: "empty message" });
  });
});

describe("toEnvelope", () => {
  it("keys DMs by the sender and channels by the conversation (spec §2.1)", () => {
    const dm = toEnvelope(deliver({ ...base, channel: "D1", channel_type: "im" }), ctx, {
      peerKind: "direct",
    });
    expect(dm.peer).toEqual({ kind: "direct", id: "U1" });
    expect(toEnvelope(deliver(base), ctx, { peerKind: "channel" }).peer).toEqual({
      kind: "channel",
      id: "C1",
    });
    expect(toEnvelope(deliver({ ...base, channel: "G1" }), ctx, { peerKind: "group" }).peer).toEqual({
      kind: "group",
      id: "G1",
    });
  });

  it("fills id, team, timestamp, decoded text and mentions", () => {
    const envelope = toEnvelope(
      deliver({ ...base, ts: "1700000000.123456", text: "<@UBOT|bot> a &lt;b&gt; &amp;amp;" }),
      ctx,
      {
        peerKind: "channel",
        sender: { name: "Ann", username: "ann" },
      },
    );
    expect(envelope).toMatchObject({
      id: "C1:1700000000.123456",
      channel: "slack",
      accountId: "work",
      teamId: "T1",
      timestamp: 1_700_000_000_123,
      text: "<@UBOT|bot> a <b> &amp;",
      mentionsBot: true,
      sender: { id: "U1", name: "Ann", username: "ann", isBot: false },
      attachments: [],
    });
    expect(
      toEnvelope(deliver({ ...base, text: "<@UOTHER> hi" }), ctx, { peerKind: "channel" }).mentionsBot,
    ).toBe(false);
    expect(
      toEnvelope(deliver({ ...base, type: "app_mention" }), ctx, { peerKind: "channel" }).mentionsBot,
    ).toBe(true);
  });

  it("treats thread_ts ≠ ts as a thread reply, and the thread parent as no thread", () => {
    const reply = deliver({ ...base, thread_ts: "1700000000.000001", parent_user_id: "UBOT" });
    expect(threadOf(reply)).toBe("1700000000.000001");
    expect(toEnvelope(reply, ctx, { peerKind: "channel" })).toMatchObject({
      threadId: "1700000000.000001",
      replyToBot: true,
      replyTo: { id: "C1:1700000000.000001", senderId: "UBOT" },
    });
    expect(threadOf(deliver({ ...base, thread_ts: base.ts }))).toBeUndefined();
  });

  it("marks other bots and maps files to attachments", () => {
    const envelope = toEnvelope(
      deliver({
        ...base,
        user: undefined,
        subtype: "bot_message",
        bot_id: "B9",
        username: "ci",
        files: [
          { id: "F1", name: "a.png", mimetype: "image/png", size: 3, url_private: "https://files/a.png" },
        ],
      }),
      ctx,
      { peerKind: "channel" },
    );
    expect(envelope.sender).toEqual({ id: "B9", isBot: true, name: "ci" });
    expect(envelope.attachments).toEqual([
      { kind: "image", fileId: "F1", name: "a.png", mime: "image/png", size: 3, url: "https://files/a.png" },
    ]);
  });
});

describe("peerKindFromChannelType", () => {
  it("maps Slack's channel types", () => {
    expect(["im", "mpim", "channel", "group", "app_home", undefined].map(peerKindFromChannelType)).toEqual([
      "direct",
      "group",
      "channel",
      "channel",
      undefined,
      undefined,
    ]);
  });
});
