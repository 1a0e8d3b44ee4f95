import type { Attachment, InboundEnvelope, PeerKind } from "@patchbay/core";
import { z } from "zod";
import { decodeSlackText } from "./format.js";

/** Who this account is, as inbound mapping needs it. */
export interface InboundContext {
  accountId: string;
  /** The account's workspace; becomes `envelope.teamId`. */
  teamId: string;
  botUserId: string;
  botId: string;
}

const FileSchema = z.looseObject({
  id: z.string(),
  name: z.string().optional(),
  title: z.string().optional(),
  mimetype: z.string().optional(),
  size: z.number().optional(),
  url_private: z.string().optional(),
});

const MessageEventSchema = z.looseObject({
  type: z.enum(["message", "app_mention"]),
  subtype: z.string().optional(),
  channel: z.string().min(1),
  channel_type: z.string().optional(),
  user: z.string().min(1).optional(),
  bot_id: z.string().min(1).optional(),
  bot_profile: z.looseObject({ name: z.string().optional() }).optional(),
  username: z.string().optional(),
  text: z.string().optional(),
  ts: z.string().regex(/^\d+(\.\d+)?$/),
  thread_ts: z
    .string()
    .regex(/^\d+(\.\d+)?$/)
    .optional(),
  parent_user_id: z.string().optional(),
  files: z.array(FileSchema).optional(),
  hidden: z.boolean().optional(),
});

/** A message-like event that passed validation. */
export type SlackMessageEvent = z.infer<typeof MessageEventSchema>;

/**
 * Subtypes delivered as messages. Everything else is dropped on purpose (debug log):
 * - `message_changed`: an edit. Agents answered the original; re-delivering would answer twice.
 * - `message_deleted`: nothing to answer (the gateway keeps the original in its transcript).
 * - `message_replied`: a thread-metadata update of the parent, not new content.
 * - joins/leaves, topic/purpose/name changes, archive, pins, huddles, `ekm_access_denied`, …:
 *   system notices, not something a user said to the bot.
 */
const DELIVERED_SUBTYPES: ReadonlySet<string> = new Set([
  "bot_message",
  "thread_broadcast",
  "file_share",
  "me_message",
]);

const DROP_REASONS: Readonly<Record<string, string>> = {
  message_changed: "edit (edits are not re-delivered)",
  message_deleted: "deletion",
  message_replied: "thread metadata update",
};

export type MessageVerdict =
  | { action: "deliver"; message: SlackMessageEvent }
  | { action: "drop"; reason: string; level: "debug" | "warn" };

/** Decides what to do with a raw `message` / `app_mention` event, before any lookup. */
export function classifyMessageEvent(raw: unknown, context: InboundContext): MessageVerdict {
  const subtype =
    typeof raw === "object" && raw !== null ? (raw as { subtype?: unknown }).subtype : undefined;
  if (typeof subtype === "string" && !DELIVERED_SUBTYPES.has(subtype)) {
    return {
      action: "drop",
      reason: DROP_REASONS[subtype] ?? `subtype ${subtype} is not a user message`,
      level: "debug",
    };
  }
  const parsed = MessageEventSchema.safeParse(raw);
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => i.path.join(".") || "(event)").join(", ");
    return { action: "drop", reason: `malformed message event (${where})`, level: "warn" };
  }
  const message = parsed.data;
  if (message.hidden) return { action: "drop", reason: "hidden message", level: "debug" };
  if (
    message.user === context.botUserId ||
    (message.bot_id !== undefined && message.bot_id === context.botId)
  ) {
    return { action: "drop", reason: "own message", level: "debug" };
  }
  if (message.user === undefined && message.bot_id === undefined) {
    return { action: "drop", reason: "malformed message event (no user or bot_id)", level: "warn" };
  }
  if ((message.text ?? "").trim() === "" && (message.files ?? []).length === 0) {
    return { action: "drop", reason: "empty message", level: "debug" };
  }
  return { action: "deliver", message };
}

/** The peer kind from `channel_type` (message events carry it; app_mention does not). */
export function peerKindFromChannelType(channelType: string | undefined): PeerKind | undefined {
  switch (channelType) {
    case "im":
      return "direct";
    case "mpim":
      return "group";
    case "channel":
    case "group":
      return "channel";
    default:
      return undefined;
  }
}

/** A thread reply (not the thread's parent): `thread_ts` differs from `ts`, or it names a parent author. */
export function threadOf(message: SlackMessageEvent): string | undefined {
  if (message.thread_ts === undefined) return undefined;
  return message.thread_ts !== message.ts || message.parent_user_id !== undefined
    ? message.thread_ts
    : undefined;
}

/** Whether the text mentions the bot as `<@U…>` or `<@U…|name>`. */
export function mentionsUser(text: string, userId: string): boolean {
  return text.includes(`<@${userId}>`) || text.includes(`<@${userId}|`);
}

function attachmentKind(mime: string | undefined): string {
  const top = mime?.split("/")[0];
  return top === "image" || top === "video" || top === "audio" ? top : "document";
}

function attachmentsOf(message: SlackMessageEvent): Attachment[] {
  return (message.files ?? []).map((file) => {
    const attachment: Attachment = { kind: attachmentKind(file.mimetype), fileId: file.id };
    if (file.url_private) attachment.url = file.url_private;
    if (file.mimetype) attachment.mime = file.mimetype;
    if (file.size !== undefined) attachment.size = file.size;
    const name = file.name ?? file.title;
    if (name) attachment.name = name;
    return attachment;
  });
}

/** Envelope ids are `<channel>:<ts>`: a ts is unique within its conversation only. */
export function messageId(channel: string, ts: string): string {
  return `${channel}:${ts}`;
}

export interface EnvelopeExtras {
  peerKind: PeerKind;
  sender?: { name?: string | undefined; username?: string | undefined };
}

/** Builds the envelope for a delivered message (spec §2.1: DMs by user, channels and MPIMs by id). */
export function toEnvelope(
  message: SlackMessageEvent,
  context: InboundContext,
  extras: EnvelopeExtras,
): InboundEnvelope {
  const senderId = (message.user ?? message.bot_id) as string;
  const isBot = message.bot_id !== undefined || message.subtype === "bot_message";
  const text = message.text ?? "";
  const threadId = threadOf(message);
  const senderName = extras.sender?.name ?? message.bot_profile?.name ?? message.username;
  const envelope: InboundEnvelope = {
    id: messageId(message.channel, message.ts),
    channel: "slack",
    accountId: context.accountId,
    peer:
      extras.peerKind === "direct"
        ? { kind: "direct", id: senderId }
        : { kind: extras.peerKind, id: message.channel },
    teamId: context.teamId,
    sender: { id: senderId, isBot },
    text: decodeSlackText(text),
    mentionsBot: message.type === "app_mention" || mentionsUser(text, context.botUserId),
    replyToBot: threadId !== undefined && message.parent_user_id === context.botUserId,
    attachments: attachmentsOf(message),
    timestamp: Math.round(Number(message.ts) * 1000),
    raw: message,
  };
  if (senderName) envelope.sender.name = senderName;
  if (extras.sender?.username) envelope.sender.username = extras.sender.username;
  if (threadId !== undefined) {
    envelope.threadId = threadId;
    envelope.replyTo = {
      id: messageId(message.channel, threadId),
      ...(message.parent_user_id ? { senderId: message.parent_user_id } : {}),
    };
  }
  return envelope;
}
