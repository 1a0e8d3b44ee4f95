import { describe, expect, it } from "vitest";
import { type InboundContext, parseRawMessage, type RawMessage, toEnvelope } from "./inbound.js";

const BOT = "900";
const base = {
  id: "1000",
  channel_id: "300",
  guild_id: "200",
  author: { id: "400", username: "alice", global_name: "Alice" },
  member: { nick: null, roles: ["501", "502"] },
  content: "hi",
  timestamp: "2026-01-02T03:04:05.000Z",
  type: 0,
  mentions: [],
  mention_roles: [],
  attachments: [],
};
const context: InboundContext = {
  accountId: "work",
  botUserId: BOT,
  channel: { type: 0 },
  botRoleIds: ["777"],
};

function parse(payload: unknown): RawMessage {
  const result = parseRawMessage(payload);
  if (!result.ok) throw new Error(result.issues?.join("; "));
  return result.message;
}

const envelope = (patch: Record<string, unknown>, ctx: Partial<InboundContext> = {}) => {
  const payload = { ...base, ...patch };
  return toEnvelope(parse(payload), payload, { ...context, ...ctx });
};

describe("parseRawMessage", () => {
  it("reports malformed payloads with the offending paths, without throwing", () => {
    const result = parseRawMessage({ ...base, author: undefined, content: 5 });
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.issues).toEqual(
      expect.arrayContaining([expect.stringMatching(/^author/), expect.stringMatching(/^content/)]),
    );
    expect(parseRawMessage(null).ok).toBe(false);
    expect(parseRawMessage("text").ok).toBe(false);
  });
});

describe("toEnvelope", () => {
  it("maps a guild message with the timestamp from Discord", () => {
    expect(envelope({})).toMatchObject({
      id: "1000",
      channel: "discord",
      accountId: "work",
      peer: { kind: "channel", id: "300" },
      guildId: "200",
      memberRoleIds: ["501", "502"],
      sender: { id: "400", name: "Alice", username: "alice", isBot: false },
      timestamp: Date.parse("2026-01-02T03:04:05.000Z"),
    });
  });

  it("drops the bot's own messages and system messages (joins, pins)", () => {
    expect(envelope({ author: { id: BOT, username: "me", bot: true } })).toBeUndefined();
    expect(envelope({ type: 7 })).toBeUndefined();
    expect(envelope({ type: 6 })).toBeUndefined();
    expect(envelope({ type: 19 })).toBeDefined();
  });

  it("treats webhooks and bots as bots", () => {
    expect(envelope({ author: { id: "401", username: "hook" }, webhook_id: "55" })?.sender.isBot).toBe(true);
    expect(envelope({ author: { id: "402", username: "other", bot: true } })?.sender.isBot).toBe(true);
  });

  it("without a guild: a DM unless the channel is a group DM", () => {
    const dm = envelope({ guild_id: undefined, member: undefined }, { channel: undefined });
    expect(dm?.peer).toEqual({ kind: "direct", id: "400" });
    expect(dm?.memberRoleIds).toBeUndefined();
    const group = envelope(
      { guild_id: undefined, member: undefined, channel_type: 3 },
      { channel: undefined },
    );
    expect(group?.peer).toEqual({ kind: "group", id: "300" });
  });

  it("a thread gets parentPeer; an unknown channel degrades to a plain channel", () => {
    const thread = envelope({}, { channel: { type: 11, parentId: "299" } });
    expect(thread).toMatchObject({
      peer: { kind: "channel", id: "300" },
      parentPeer: { kind: "channel", id: "299" },
      threadId: "300",
    });
    const unknown = envelope({}, { channel: undefined });
    expect(unknown?.parentPeer).toBeUndefined();
    expect(unknown?.peer).toEqual({ kind: "channel", id: "300" });
  });

  it("mentionsBot from a user mention or the bot's role, never from others", () => {
    expect(envelope({ mentions: [{ id: BOT }] })?.mentionsBot).toBe(true);
    expect(envelope({ mention_roles: ["777"] })?.mentionsBot).toBe(true);
    expect(envelope({ mentions: [{ id: "123" }], mention_roles: ["501"] })?.mentionsBot).toBe(false);
  });

  it("replyToBot for replies to this bot; forwards are not replies", () => {
    const reply = envelope({
      type: 19,
      message_reference: { type: 0, message_id: "999" },
      referenced_message: { id: "999", content: "earlier", author: { id: BOT } },
    });
    expect(reply?.replyToBot).toBe(true);
    expect(reply?.replyTo).toEqual({ id: "999", text: "earlier", senderId: BOT });
    const deleted = envelope({
      type: 19,
      message_reference: { message_id: "998" },
      referenced_message: null,
    });
    expect(deleted?.replyToBot).toBe(false);
    expect(deleted?.replyTo).toEqual({ id: "998" });
    const forward = envelope({
      message_reference: { type: 1, message_id: "997" },
      referenced_message: { id: "997", author: { id: BOT } },
    });
    expect(forward?.replyToBot).toBe(false);
    expect(forward?.replyTo).toBeUndefined();
  });

  it("classifies attachments and stickers", () => {
    const e = envelope({
      attachments: [
        { id: "1", filename: "a.ogg", content_type: "audio/ogg", flags: 1 << 13 },
        { id: "2", filename: "b.mp3", content_type: "audio/mpeg" },
        { id: "3", filename: "c.mp4", content_type: "video/mp4", size: 10 },
        { id: "4", filename: "d.bin" },
      ],
      sticker_items: [{ id: "5", name: "wave" }],
    });
    expect(e?.attachments.map((a) => a.kind)).toEqual(["voice", "audio", "video", "document", "sticker"]);
    expect(e?.attachments[2]).toEqual({
      kind: "video",
      fileId: "3",
      name: "c.mp4",
      mime: "video/mp4",
      size: 10,
    });
  });
});
