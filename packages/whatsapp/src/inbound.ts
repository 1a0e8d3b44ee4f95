import type { Attachment, InboundEnvelope, Peer, ReplyReference, Sender } from "@patchbay/core";
import {
  isJidBroadcast,
  isJidGroup,
  isJidNewsletter,
  isJidStatusBroadcast,
  isLidUser,
  isPnUser,
  jidDecode,
  normalizeMessageContent,
  type proto,
  type WAMessage,
} from "./client.js";

/** Who this account is, to recognise mentions, quotes and self-chat. */
export interface SelfIdentity {
  /** Phone-number user part (digits). */
  pnUser: string;
  /** LID user part, once WhatsApp told us. */
  lidUser: string | undefined;
}

export interface InboundContext {
  accountId: string;
  self: SelfIdentity;
  /** True for ids of messages this adapter sent (their echoes are never inbound). */
  isOwnSend(id: string): boolean;
  /** Phone-number JID for a LID JID, from Baileys' LID mapping store, when known. */
  phoneForLid(lidJid: string): Promise<string | undefined>;
}

export type InboundResult = { envelope: InboundEnvelope } | { skip: string };

function userOf(jid: string | null | undefined): string | undefined {
  return jid ? jidDecode(jid)?.user : undefined;
}

function isSelf(jid: string | null | undefined, self: SelfIdentity): boolean {
  const user = userOf(jid);
  if (!user || !jid) return false;
  return isLidUser(jid) ? user === self.lidUser : user === self.pnUser;
}

/** `+digits` from a phone-number JID. */
export function e164FromJid(jid: string): string | undefined {
  if (!isPnUser(jid)) return undefined;
  const user = userOf(jid);
  return user ? `+${user}` : undefined;
}

/**
 * The E.164 of the person behind `jid`: the JID itself when phone-addressed, else the `alt` JID
 * WhatsApp sent alongside a LID, else Baileys' LID mapping. Falls back to the LID JID itself.
 */
async function personId(
  jid: string,
  alt: string | null | undefined,
  ctx: InboundContext,
): Promise<{ id: string; resolved: boolean }> {
  const direct = e164FromJid(jid);
  if (direct) return { id: direct, resolved: true };
  const fromAlt = alt ? e164FromJid(alt) : undefined;
  if (fromAlt) return { id: fromAlt, resolved: true };
  if (isLidUser(jid)) {
    const mapped = await ctx.phoneForLid(jid);
    const fromMap = mapped ? e164FromJid(mapped) : undefined;
    if (fromMap) return { id: fromMap, resolved: true };
  }
  return { id: jid, resolved: false };
}

function attachmentsOf(content: proto.IMessage): Attachment[] {
  const out: Attachment[] = [];
  const size = (value: unknown): number | undefined =>
    value === null || value === undefined ? undefined : Number(value);
  const push = (
    kind: string,
    media: { mimetype?: string | null; fileLength?: unknown; url?: string | null },
    name?: string | null,
  ) => {
    const item: Attachment = { kind };
    if (media.mimetype) item.mime = media.mimetype;
    const length = size(media.fileLength);
    if (length !== undefined && Number.isFinite(length)) item.size = length;
    if (media.url) item.url = media.url;
    if (name) item.name = name;
    out.push(item);
  };
  if (content.imageMessage) push("image", content.imageMessage);
  if (content.videoMessage) push(content.videoMessage.gifPlayback ? "image" : "video", content.videoMessage);
  if (content.audioMessage) push(content.audioMessage.ptt ? "voice" : "audio", content.audioMessage);
  if (content.documentMessage) push("document", content.documentMessage, content.documentMessage.fileName);
  if (content.stickerMessage) push("sticker", content.stickerMessage);
  if (content.locationMessage || content.liveLocationMessage) out.push({ kind: "location" });
  if (content.contactMessage || content.contactsArrayMessage) out.push({ kind: "contact" });
  return out;
}

function textOf(content: proto.IMessage): string {
  return (
    content.conversation ??
    content.extendedTextMessage?.text ??
    content.imageMessage?.caption ??
    content.videoMessage?.caption ??
    content.documentMessage?.caption ??
    content.documentWithCaptionMessage?.message?.documentMessage?.caption ??
    ""
  );
}

function contextInfoOf(content: proto.IMessage): proto.IContextInfo | undefined {
  const holders = [
    content.extendedTextMessage,
    content.imageMessage,
    content.videoMessage,
    content.audioMessage,
    content.documentMessage,
    content.stickerMessage,
  ];
  for (const holder of holders) if (holder?.contextInfo) return holder.contextInfo;
  return undefined;
}

function timestampMs(value: WAMessage["messageTimestamp"]): number {
  if (value === null || value === undefined) return Date.now();
  return Number(value) * 1000;
}

/**
 * Turns one Baileys message into an envelope (spec §2.1, §4.5), or says why it is skipped.
 * DMs: peer `{direct, +E.164}` of the sender; groups: peer `{group, <group JID>}` with the
 * participant as sender. Self-chat ("Message yourself" on the owner's phone) arrives as `fromMe`
 * in the chat with our own number; it is kept when its id is not one this adapter sent.
 */
export async function toEnvelope(message: WAMessage, ctx: InboundContext): Promise<InboundResult> {
  const key = message.key;
  const remoteJid = key?.remoteJid;
  const id = key?.id;
  if (!remoteJid || !id) return { skip: "no chat or id" };
  if (isJidStatusBroadcast(remoteJid)) return { skip: "status broadcast" };
  if (isJidNewsletter(remoteJid)) return { skip: "newsletter" };
  if (isJidBroadcast(remoteJid)) return { skip: "broadcast list" };
  const group = isJidGroup(remoteJid) === true;
  let selfChat = false;
  if (key.fromMe) {
    // Our own sends echo back as fromMe; the owner's phone writing to its own chat is self-chat.
    selfChat =
      !group && (isSelf(remoteJid, ctx.self) || isSelf(key.remoteJidAlt, ctx.self)) && !ctx.isOwnSend(id);
    if (!selfChat) return { skip: "own message" };
  }
  if (message.messageStubType) return { skip: `stub ${message.messageStubType}` };
  const content = normalizeMessageContent(message.message);
  if (!content) return { skip: "no content" };
  if (
    content.protocolMessage ||
    content.reactionMessage ||
    (content.senderKeyDistributionMessage && !textOf(content))
  ) {
    return { skip: "protocol message" };
  }
  const text = textOf(content);
  const attachments = attachmentsOf(content);
  if (!text && attachments.length === 0) return { skip: "unsupported content" };

  let peer: Peer;
  let sender: Sender;
  const name = message.pushName ?? undefined;
  if (group) {
    const participant = key.participant ?? message.participant;
    if (!participant) return { skip: "group message without participant" };
    const who = await personId(participant, key.participantAlt, ctx);
    peer = { kind: "group", id: remoteJid };
    sender = { id: who.id, isBot: false, ...(name ? { name } : {}) };
  } else {
    const who = await personId(remoteJid, key.remoteJidAlt, ctx);
    peer = { kind: "direct", id: selfChat ? `+${ctx.self.pnUser}` : who.id };
    sender = { id: peer.id, isBot: false, ...(name ? { name } : {}), ...(selfChat ? { isSelf: true } : {}) };
  }

  const context = contextInfoOf(content);
  const mentioned = context?.mentionedJid ?? [];
  const mentionsBot = !selfChat && mentioned.some((jid) => isSelf(jid, ctx.self));
  let replyTo: ReplyReference | undefined;
  let replyToBot = false;
  if (context?.stanzaId) {
    replyTo = { id: context.stanzaId };
    const quotedText = context.quotedMessage ? textOf(context.quotedMessage) : "";
    if (quotedText) replyTo.text = quotedText;
    if (context.participant) {
      const quoted = await personId(context.participant, undefined, ctx);
      replyTo.senderId = quoted.id;
    }
    replyToBot = !selfChat && (isSelf(context.participant, ctx.self) || ctx.isOwnSend(context.stanzaId));
  }

  const envelope: InboundEnvelope = {
    id,
    channel: "whatsapp",
    accountId: ctx.accountId,
    peer,
    sender,
    text,
    mentionsBot,
    replyToBot,
    attachments,
    timestamp: timestampMs(message.messageTimestamp),
    raw: message,
  };
  if (replyTo) envelope.replyTo = replyTo;
  return { envelope };
}
