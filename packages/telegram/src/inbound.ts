import type { Attachment, InboundEnvelope, Peer, ReplyReference, Sender } from "@patchbay/core";
import type { BotIdentity } from "./client.js";
import { type TgChat, type TgEntity, type TgMessage, TgUpdate, type TgUser } from "./updates.js";

/** What to do with one update: hand an envelope to the sink, or drop it for a stated reason. */
export type InboundDecision =
  | { kind: "deliver"; envelope: InboundEnvelope }
  | { kind: "drop"; reason: string; level: "debug" | "info" | "warn" };

export interface InboundContext {
  accountId: string;
  bot: BotIdentity;
}

/** Message fields that make a message a service message (a fact about the chat, not a line of chat). */
const SERVICE_FIELDS = [
  "new_chat_members",
  "left_chat_member",
  "new_chat_title",
  "new_chat_photo",
  "delete_chat_photo",
  "group_chat_created",
  "supergroup_chat_created",
  "channel_chat_created",
  "message_auto_delete_timer_changed",
  "migrate_to_chat_id",
  "migrate_from_chat_id",
  "pinned_message",
  "forum_topic_created",
  "forum_topic_edited",
  "forum_topic_closed",
  "forum_topic_reopened",
  "general_forum_topic_hidden",
  "general_forum_topic_unhidden",
  "video_chat_scheduled",
  "video_chat_started",
  "video_chat_ended",
  "video_chat_participants_invited",
  "write_access_allowed",
  "users_shared",
  "chat_shared",
  "boost_added",
  "chat_background_set",
  "proximity_alert_triggered",
  "successful_payment",
] as const;

/** Content we cannot represent beyond "something was sent". */
const OTHER_CONTENT = [
  "poll",
  "dice",
  "game",
  "story",
  "invoice",
  "giveaway",
  "paid_media",
  "checklist",
] as const;

/**
 * Maps one raw update to an envelope, per spec §2.1. Deliberate drops:
 * - malformed updates (fail validation): warn, so a platform change is noticed;
 * - edited messages and edited channel posts: debug; an edit is not a new message, and answering it
 *   would reply twice to one request;
 * - service messages (joins, pins, topic events, migrations): debug (a migration: info, because
 *   bindings naming the old group id stop matching);
 * - this bot's own messages: debug (Telegram rarely sends them, but a channel post can echo).
 */
export function decideInbound(raw: unknown, ctx: InboundContext): InboundDecision {
  const parsed = TgUpdate.safeParse(raw);
  if (!parsed.success) {
    const where = parsed.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`)
      .join("; ");
    return { kind: "drop", reason: `malformed update (${where})`, level: "warn" };
  }
  const update = parsed.data;
  if (update.edited_message !== undefined || update.edited_channel_post !== undefined) {
    return { kind: "drop", reason: "edited message (edits are not processed again)", level: "debug" };
  }
  const message = update.message ?? update.channel_post;
  if (!message) {
    const type = Object.keys(update).find((key) => key !== "update_id") ?? "empty";
    return { kind: "drop", reason: `unsupported update type "${type}"`, level: "debug" };
  }
  if (message.from?.id === ctx.bot.id)
    return { kind: "drop", reason: "the bot's own message", level: "debug" };

  const text = message.text ?? message.caption ?? "";
  const attachments = attachmentsOf(message);
  if (text === "" && attachments.length === 0) {
    const field = SERVICE_FIELDS.find((name) => message[name] !== undefined);
    if (field === "migrate_to_chat_id") {
      return {
        kind: "drop",
        reason: `group ${message.chat.id} migrated to supergroup ${String(message.migrate_to_chat_id)}; bindings and allowlists naming the old id need updating`,
        level: "info",
      };
    }
    return { kind: "drop", reason: `service message (${field ?? "no text or content"})`, level: "debug" };
  }

  const entities = message.entities ?? message.caption_entities ?? [];
  const place = placeOf(message);
  const replyTo = replyOf(message);
  const envelope: InboundEnvelope = {
    id: messageKey(message.chat.id, message.message_id),
    channel: "telegram",
    accountId: ctx.accountId,
    peer: place.peer,
    sender: senderOf(message),
    text,
    mentionsBot: mentionsBot(text, entities, ctx.bot),
    replyToBot: replyTo?.from?.id === ctx.bot.id,
    attachments,
    timestamp: message.date * 1000,
    raw,
  };
  if (place.parentPeer) envelope.parentPeer = place.parentPeer;
  if (place.threadId !== undefined) envelope.threadId = place.threadId;
  if (replyTo) envelope.replyTo = replyReference(message.chat.id, replyTo);
  return { kind: "deliver", envelope };
}

/**
 * Telegram message ids are unique per chat only, so the envelope id is `<chatId>:<messageId>`:
 * (channel, accountId, id) stays a sound dedupe key across chats. `send()` accepts it as replyToId.
 */
export function messageKey(chatId: number, messageId: number): string {
  return `${chatId}:${messageId}`;
}

interface Place {
  peer: Peer;
  parentPeer?: { kind: "group" | "channel"; id: string };
  threadId?: string;
}

function placeOf(message: TgMessage): Place {
  const chat = message.chat;
  const chatId = String(chat.id);
  const thread = message.is_topic_message ? message.message_thread_id : undefined;
  switch (chat.type) {
    case "private": {
      // A DM is keyed by the sender; the chat id is the same number, but the spec names the sender.
      const place: Place = { peer: { kind: "direct", id: String(message.from?.id ?? chat.id) } };
      if (thread !== undefined) place.threadId = String(thread);
      return place;
    }
    case "channel":
      return { peer: { kind: "channel", id: chatId } };
    default:
      if (chat.is_forum && thread !== undefined) {
        return {
          peer: { kind: "group", id: `${chatId}:topic:${thread}` },
          parentPeer: { kind: "group", id: chatId },
          threadId: String(thread),
        };
      }
      return { peer: { kind: "group", id: chatId } };
  }
}

/**
 * A message posted on behalf of a chat (anonymous group admin, linked channel, channel post) is
 * attributed to that chat; `from` is then a placeholder bot shared by everyone.
 */
function senderOf(message: TgMessage): Sender {
  if (message.sender_chat) return chatAsSender(message.sender_chat);
  if (message.from) return userAsSender(message.from);
  return chatAsSender(message.chat);
}

function userAsSender(user: TgUser): Sender {
  const sender: Sender = { id: String(user.id), isBot: user.is_bot };
  const name = [user.first_name, user.last_name].filter(Boolean).join(" ");
  if (name) sender.name = name;
  if (user.username) sender.username = user.username;
  return sender;
}

function chatAsSender(chat: TgChat): Sender {
  const sender: Sender = { id: String(chat.id), isBot: false };
  const name = chat.title ?? [chat.first_name, chat.last_name].filter(Boolean).join(" ");
  if (name) sender.name = name;
  if (chat.username) sender.username = chat.username;
  return sender;
}

/**
 * A native mention of this bot: `@username` (case-insensitive), a text_mention of its id, or a
 * `/command@username`. A plain `/command` or a `/command@otherbot` does not mention this bot.
 */
export function mentionsBot(text: string, entities: readonly TgEntity[], bot: BotIdentity): boolean {
  const handle = bot.username.toLowerCase();
  return entities.some((entity) => {
    const part = text.slice(entity.offset, entity.offset + entity.length).toLowerCase();
    switch (entity.type) {
      case "mention":
        return part === `@${handle}`;
      case "text_mention":
        return entity.user?.id === bot.id;
      case "bot_command":
        return part.includes("@") && part.slice(part.indexOf("@") + 1) === handle;
      default:
        return false;
    }
  });
}

type TgReply = NonNullable<TgMessage["reply_to_message"]>;

/**
 * In a forum topic every message without an explicit reply "replies" to the topic's root message
 * (the forum_topic_created service message). That is not a reply, and must not count as one.
 */
function replyOf(message: TgMessage): TgReply | undefined {
  const reply = message.reply_to_message;
  if (!reply) return undefined;
  if (message.is_topic_message && reply.message_id === message.message_thread_id) return undefined;
  if (reply.forum_topic_created !== undefined) return undefined;
  return reply;
}

function replyReference(chatId: number, reply: TgReply): ReplyReference {
  const ref: ReplyReference = { id: messageKey(chatId, reply.message_id) };
  const text = reply.text ?? reply.caption;
  if (text !== undefined) ref.text = text;
  const senderId = reply.sender_chat?.id ?? reply.from?.id;
  if (senderId !== undefined) ref.senderId = String(senderId);
  return ref;
}

type TgFileLike = {
  file_id: string;
  file_size?: number | undefined;
  mime_type?: string | undefined;
  file_name?: string | undefined;
};

function fileAttachment(kind: string, file: TgFileLike, name?: string): Attachment {
  const attachment: Attachment = { kind, fileId: file.file_id };
  if (file.mime_type) attachment.mime = file.mime_type;
  if (file.file_size !== undefined) attachment.size = file.file_size;
  const fileName = file.file_name ?? name;
  if (fileName) attachment.name = fileName;
  return attachment;
}

/** Attachment metadata only; nothing is downloaded. */
export function attachmentsOf(message: TgMessage): Attachment[] {
  const out: Attachment[] = [];
  const largest = message.photo?.reduce((a, b) => (b.width * b.height > a.width * a.height ? b : a));
  if (largest) out.push({ ...fileAttachment("image", largest), mime: "image/jpeg" });
  // An animation also carries a `document` copy for old clients; report it once.
  if (message.animation) out.push(fileAttachment("video", message.animation));
  else if (message.document) out.push(fileAttachment("document", message.document));
  if (message.video) out.push(fileAttachment("video", message.video));
  if (message.video_note) out.push(fileAttachment("video", message.video_note));
  if (message.audio) out.push(fileAttachment("audio", message.audio, message.audio.title));
  if (message.voice) out.push(fileAttachment("voice", message.voice));
  if (message.sticker) {
    const sticker = fileAttachment("sticker", message.sticker);
    const mime = message.sticker.is_video
      ? "video/webm"
      : message.sticker.is_animated
        ? "application/x-tgsticker"
        : "image/webp";
    out.push({ ...sticker, mime: sticker.mime ?? mime });
  }
  if (message.location || message.venue)
    out.push({ kind: "location", ...(message.venue?.title ? { name: message.venue.title } : {}) });
  if (message.contact)
    out.push({
      kind: "contact",
      ...(message.contact.first_name ? { name: message.contact.first_name } : {}),
    });
  for (const field of OTHER_CONTENT) {
    if (message[field] !== undefined) out.push({ kind: "other", name: field });
  }
  return out;
}
