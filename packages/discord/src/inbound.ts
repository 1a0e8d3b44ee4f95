import type { Attachment, InboundEnvelope, Peer } from "@patchbay/core";
import { z } from "zod";

const id = z.string().regex(/^\d+$/);

const RawUser = z.object({
  id,
  username: z.string(),
  global_name: z.string().nullish(),
  bot: z.boolean().optional(),
});

const RawAttachment = z.object({
  id,
  filename: z.string(),
  size: z.number().optional(),
  url: z.string().optional(),
  content_type: z.string().optional(),
  flags: z.number().optional(),
  duration_secs: z.number().optional(),
});

const RawReferenced = z.object({
  id,
  content: z.string().optional(),
  author: RawUser.pick({ id: true }).optional(),
});

/** The fields of a gateway MESSAGE_CREATE the adapter reads; anything else is kept in `raw` only. */
export const RawMessage = z.object({
  id,
  channel_id: id,
  guild_id: id.optional(),
  author: RawUser,
  member: z.object({ nick: z.string().nullish(), roles: z.array(id) }).optional(),
  content: z.string(),
  timestamp: z.string(),
  type: z.number().int(),
  mentions: z.array(RawUser.pick({ id: true })).default([]),
  mention_roles: z.array(id).default([]),
  attachments: z.array(RawAttachment).default([]),
  sticker_items: z.array(z.object({ id, name: z.string() })).optional(),
  message_reference: z.object({ type: z.number().optional(), message_id: id.optional() }).optional(),
  referenced_message: RawReferenced.nullish(),
  channel_type: z.number().int().optional(),
  webhook_id: id.optional(),
});
export type RawMessage = z.infer<typeof RawMessage>;

/** Message types that carry user text: DEFAULT and REPLY. Joins, pins, boosts… are not messages to answer. */
const TEXT_MESSAGE_TYPES = new Set([0, 19]);

/** Channel types as Discord numbers them. */
export const DiscordChannelType = {
  DM: 1,
  GroupDM: 3,
  AnnouncementThread: 10,
  PublicThread: 11,
  PrivateThread: 12,
} as const;

/** What the adapter knows about the channel a message was posted in. */
export interface ChannelFacts {
  type: number;
  /** The parent channel of a thread. */
  parentId?: string | null;
}

export interface InboundContext {
  accountId: string;
  /** This bot's user id. */
  botUserId: string;
  /** The channel, from the client's cache or REST; undefined when unknown. */
  channel: ChannelFacts | undefined;
  /** This bot's managed role(s) in the message's guild, so a role mention counts as a mention. */
  botRoleIds: readonly string[];
}

export type ParseResult =
  | { ok: true; message: RawMessage }
  | { ok: false; reason: string; issues?: string[] };

/** Validates a raw MESSAGE_CREATE payload; a malformed one is reported, never thrown. */
export function parseRawMessage(payload: unknown): ParseResult {
  const result = RawMessage.safeParse(payload);
  if (!result.success) {
    return {
      ok: false,
      reason: "malformed MESSAGE_CREATE",
      issues: result.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`),
    };
  }
  return { ok: true, message: result.data };
}

const isThreadType = (type: number) =>
  type === DiscordChannelType.PublicThread ||
  type === DiscordChannelType.PrivateThread ||
  type === DiscordChannelType.AnnouncementThread;

/**
 * Turns a validated MESSAGE_CREATE into an envelope (spec §2.1), or undefined for messages the
 * gateway must never see: this bot's own, and system messages. Other bots' messages are kept and
 * marked `isBot`, so policy decides about them.
 */
export function toEnvelope(
  message: RawMessage,
  raw: unknown,
  context: InboundContext,
): InboundEnvelope | undefined {
  if (message.author.id === context.botUserId) return undefined;
  if (!TEXT_MESSAGE_TYPES.has(message.type)) return undefined;

  const where = locate(message, context.channel);
  const reference = message.message_reference;
  const referenced = message.referenced_message ?? undefined;
  // Type 1 references are forwards, not replies.
  const isReply = reference?.message_id !== undefined && (reference.type ?? 0) === 0;
  const mentionsBot =
    message.mentions.some((user) => user.id === context.botUserId) ||
    message.mention_roles.some((role) => context.botRoleIds.includes(role));

  const envelope: InboundEnvelope = {
    id: message.id,
    channel: "discord",
    accountId: context.accountId,
    peer: where.peer,
    sender: {
      id: message.author.id,
      name: message.member?.nick ?? message.author.global_name ?? message.author.username,
      username: message.author.username,
      isBot: message.author.bot === true || message.webhook_id !== undefined,
    },
    text: message.content,
    mentionsBot,
    replyToBot: isReply && referenced?.author?.id === context.botUserId,
    attachments: attachmentsOf(message),
    timestamp: Date.parse(message.timestamp) || 0,
    raw,
  };
  if (where.parentPeer) envelope.parentPeer = where.parentPeer;
  if (where.threadId) envelope.threadId = where.threadId;
  if (message.guild_id) {
    envelope.guildId = message.guild_id;
    envelope.memberRoleIds = [...(message.member?.roles ?? [])];
  }
  if (isReply && reference?.message_id) {
    envelope.replyTo = {
      id: reference.message_id,
      ...(referenced?.content !== undefined ? { text: referenced.content } : {}),
      ...(referenced?.author ? { senderId: referenced.author.id } : {}),
    };
  }
  return envelope;
}

interface Location {
  peer: Peer;
  parentPeer?: { kind: "channel"; id: string };
  threadId?: string;
}

function locate(message: RawMessage, channel: ChannelFacts | undefined): Location {
  const type = message.channel_type ?? channel?.type;
  if (!message.guild_id) {
    // Bots only receive DMs and group DMs outside guilds; without a type, a DM is the safe reading.
    if (type === DiscordChannelType.GroupDM) return { peer: { kind: "group", id: message.channel_id } };
    return { peer: { kind: "direct", id: message.author.id } };
  }
  if (type !== undefined && isThreadType(type) && channel?.parentId) {
    return {
      peer: { kind: "channel", id: message.channel_id },
      parentPeer: { kind: "channel", id: channel.parentId },
      threadId: message.channel_id,
    };
  }
  return { peer: { kind: "channel", id: message.channel_id } };
}

/** Voice messages carry attachment flag 1 << 13 (IS_VOICE_MESSAGE). */
const VOICE_FLAG = 1 << 13;

function attachmentsOf(message: RawMessage): Attachment[] {
  const files = message.attachments.map((file): Attachment => {
    const mime = file.content_type;
    const kind =
      (file.flags ?? 0) & VOICE_FLAG
        ? "voice"
        : mime?.startsWith("image/")
          ? "image"
          : mime?.startsWith("video/")
            ? "video"
            : mime?.startsWith("audio/")
              ? "audio"
              : "document";
    return {
      kind,
      fileId: file.id,
      name: file.filename,
      ...(file.url !== undefined ? { url: file.url } : {}),
      ...(mime !== undefined ? { mime } : {}),
      ...(file.size !== undefined ? { size: file.size } : {}),
    };
  });
  const stickers = (message.sticker_items ?? []).map(
    (s): Attachment => ({ kind: "sticker", fileId: s.id, name: s.name }),
  );
  return [...files, ...stickers];
}

/** Whether a channel type is a thread (its messages need the parent for `parentPeer`). */
export function isThreadChannel(type: number): boolean {
  return isThreadType(type);
}

/** This bot's user id from a READY payload (read raw, like every dispatch). */
export function readyUserId(data: unknown): string | undefined {
  const user = typeof data === "object" && data !== null ? (data as { user?: unknown }).user : undefined;
  const id = typeof user === "object" && user !== null ? (user as { id?: unknown }).id : undefined;
  return typeof id === "string" ? id : undefined;
}
