import { describe, expect, it } from "vitest";
import type { WAMessage } from "./client.js";
import { type InboundContext, toEnvelope } from "./inbound.js";

const ctx = (overrides: Partial<InboundContext> = {}): InboundContext => ({
  accountId: "biz",
  self: { pnUser: "15550001111", lidUser: "95550001111" },
  isOwnSend: () => false,
  phoneForLid: async () => undefined,
  ...overrides,
});

const dm = (
  key: Partial<NonNullable<WAMessage["key"]>>,
  message: WAMessage["message"],
  extra: Partial<WAMessage> = {},
): WAMessage => ({
  key: { remoteJid: "15550002222@s.whatsapp.net", fromMe: false, id: "ID1", ...key },
  message,
  messageTimestamp: 1_700_000_000,
  pushName: "Alice",
  ...extra,
});

async function envelope(message: WAMessage, context = ctx()) {
  const result = await toEnvelope(message, context);
  if ("skip" in result) throw new Error(`skipped: ${result.skip}`);
  return result.envelope;
}

describe("toEnvelope", () => {
  it("maps a phone-addressed DM", async () => {
    expect(await envelope(dm({}, { conversation: "hi" }))).toMatchObject({
      id: "ID1",
      channel: "whatsapp",
      accountId: "biz",
      peer: { kind: "direct", id: "+15550002222" },
      sender: { id: "+15550002222", name: "Alice", isBot: false },
      text: "hi",
      timestamp: 1_700_000_000_000,
    });
  });

  it("uses the LID mapping when a LID-addressed DM has no alt JID, and the LID when nothing is known", async () => {
    const lid = dm({ remoteJid: "88880002222@lid" }, { conversation: "x" });
    const mapped = await envelope(lid, ctx({ phoneForLid: async () => "15550002222@s.whatsapp.net" }));
    expect(mapped.peer.id).toBe("+15550002222");
    expect((await envelope(lid)).peer.id).toBe("88880002222@lid");
  });

  it.each([
    ["status@broadcast", "status broadcast"],
    ["120363000000000001@newsletter", "newsletter"],
    ["1700000000@broadcast", "broadcast list"],
  ])("skips %s", async (remoteJid, reason) => {
    expect(await toEnvelope(dm({ remoteJid }, { conversation: "x" }), ctx())).toEqual({ skip: reason });
  });

  it("skips the bot's own messages, keeps the owner's self-chat", async () => {
    expect(await toEnvelope(dm({ fromMe: true }, { conversation: "x" }), ctx())).toEqual({
      skip: "own message",
    });
    const self = dm({ fromMe: true, remoteJid: "15550001111@s.whatsapp.net" }, { conversation: "note" });
    expect((await envelope(self)).peer).toEqual({ kind: "direct", id: "+15550001111" });
    expect((await envelope(self)).sender.isSelf).toBe(true);
    expect((await envelope(dm({}, { conversation: "from a contact" }))).sender.isSelf).toBeUndefined();
    expect(await toEnvelope(self, ctx({ isOwnSend: (id) => id === "ID1" }))).toEqual({ skip: "own message" });
    const selfLid = dm({ fromMe: true, remoteJid: "95550001111@lid" }, { conversation: "note" });
    expect((await envelope(selfLid)).peer.id).toBe("+15550001111");
  });

  it("skips stubs, reactions, protocol messages and empty content", async () => {
    expect("skip" in (await toEnvelope(dm({}, { conversation: "x" }, { messageStubType: 2 }), ctx()))).toBe(
      true,
    );
    expect("skip" in (await toEnvelope(dm({}, { reactionMessage: { text: "👍" } }), ctx()))).toBe(true);
    expect("skip" in (await toEnvelope(dm({}, { protocolMessage: { type: 0 } }), ctx()))).toBe(true);
    expect("skip" in (await toEnvelope(dm({}, undefined), ctx()))).toBe(true);
  });

  it("unwraps ephemeral messages and reads voice notes and GIFs", async () => {
    const wrapped = dm({}, { ephemeralMessage: { message: { extendedTextMessage: { text: "vanishing" } } } });
    expect((await envelope(wrapped)).text).toBe("vanishing");
    const voice = await envelope(
      dm({}, { audioMessage: { ptt: true, mimetype: "audio/ogg", fileLength: 10 } }),
    );
    expect(voice.attachments).toEqual([{ kind: "voice", mime: "audio/ogg", size: 10 }]);
    const gif = await envelope(dm({}, { videoMessage: { gifPlayback: true, caption: "lol" } }));
    expect(gif).toMatchObject({ text: "lol", attachments: [{ kind: "image" }] });
  });

  it("reports group mentions of this account only, and quotes of its messages", async () => {
    const group = (contextInfo: object): WAMessage => ({
      key: {
        remoteJid: "120363000000000001@g.us",
        participant: "88880002222@lid",
        participantAlt: "15550002222@s.whatsapp.net",
        id: "G1",
      },
      message: { extendedTextMessage: { text: "hey", contextInfo } },
      messageTimestamp: 1,
    });
    const other = await envelope(group({ mentionedJid: ["15550003333@s.whatsapp.net"] }));
    expect(other).toMatchObject({
      peer: { kind: "group", id: "120363000000000001@g.us" },
      sender: { id: "+15550002222" },
      mentionsBot: false,
    });
    expect((await envelope(group({ mentionedJid: ["95550001111@lid"] }))).mentionsBot).toBe(true);
    const quote = await envelope(
      group({
        stanzaId: "BOTMSG",
        participant: "15550001111@s.whatsapp.net",
        quotedMessage: { conversation: "earlier" },
      }),
    );
    expect(quote).toMatchObject({
      replyToBot: true,
      replyTo: { id: "BOTMSG", text: "earlier", senderId: "+15550001111" },
    });
    const quoteOther = await envelope(group({ stanzaId: "X", participant: "15550003333@s.whatsapp.net" }));
    expect(quoteOther.replyToBot).toBe(false);
  });
});
