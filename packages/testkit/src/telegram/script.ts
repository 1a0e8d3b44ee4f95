import { detectEntities } from "./entities.js";
import type { TgChat, TgMessage, TgMessageDraft, TgMessageEntity, TgUser } from "./wire.js";
import type { FakeBot, FakeWorld } from "./world.js";

/** "User X says Y in chat Z": what a scripted inbound message carries. */
export interface UserMessageOptions {
  from: TgUser;
  /** Default: the private chat between `from` and the bot. */
  chat?: TgChat;
  text?: string;
  /** A media caption; use with `extra` carrying the media (photo, document, voice, …). */
  caption?: string;
  /** Default: what Telegram's server would detect (@mentions, /commands, URLs) in text or caption. */
  entities?: TgMessageEntity[];
  /** Forum topic thread id (see `createForumTopic`). */
  topic?: number;
  /** The message this one replies to (a user's or a bot's, e.g. `record.message`). */
  replyTo?: TgMessage;
  /** Sent on behalf of a chat (anonymous admin, linked channel). */
  senderChat?: TgChat;
  /** Extra Message fields merged in verbatim: `photo`, `document`, `voice`, `location`, service fields… */
  extra?: Record<string, unknown>;
  /** Message date (seconds); default now. */
  date?: number;
}

export interface ForumTopic {
  chat: TgChat;
  threadId: number;
  name: string;
  /** The forum_topic_created service message (its id is the thread id). */
  message: TgMessage;
}

/** Builds and stores a user's message the way Telegram would present it to `bot`. */
export function buildUserMessage(
  world: FakeWorld,
  bot: FakeBot,
  opts: UserMessageOptions,
  nowMs: number,
): TgMessage {
  const chat = opts.chat ?? world.privateChat(opts.from);
  if (!world.chats.has(chat.id)) world.chats.set(chat.id, chat);
  const body: TgMessageDraft = {
    date: opts.date ?? Math.floor(nowMs / 1000),
    chat,
    from: opts.from,
    ...opts.extra,
  };
  if (opts.senderChat) body.sender_chat = opts.senderChat;
  if (opts.text !== undefined) body.text = opts.text;
  if (opts.caption !== undefined) body.caption = opts.caption;
  const visible = opts.text ?? opts.caption;
  const entities = opts.entities ?? (visible === undefined ? [] : detectEntities(visible));
  if (entities.length > 0) {
    if (opts.text !== undefined) body.entities = entities;
    else body.caption_entities = entities;
  }
  if (opts.topic !== undefined) {
    body.message_thread_id = opts.topic;
    body.is_topic_message = true;
    // Telegram makes every topic message without an explicit reply a reply to the topic's root.
    const root = world.findMessage(bot, chat, opts.topic);
    if (!opts.replyTo && root) body.reply_to_message = root;
  }
  if (opts.replyTo) body.reply_to_message = stripNestedReply(opts.replyTo);
  return world.store(bot, body);
}

/** Creates a forum topic in a forum supergroup; its thread id is the id of the service message. */
export function buildForumTopic(
  world: FakeWorld,
  chat: TgChat,
  name: string,
  by: TgUser,
  nowMs: number,
): ForumTopic {
  if (!chat.is_forum) throw new Error(`Fake Telegram: chat ${chat.id} is not a forum`);
  const message = world.store(undefined, {
    date: Math.floor(nowMs / 1000),
    chat,
    from: by,
    forum_topic_created: { name, icon_color: 7322096 },
    is_topic_message: true,
  });
  message.message_thread_id = message.message_id;
  world.addTopic(chat, message.message_id);
  return { chat, threadId: message.message_id, name, message };
}

/** Telegram never nests reply_to_message more than one level. */
function stripNestedReply(message: TgMessage): TgMessage {
  const { reply_to_message: _dropped, ...rest } = message;
  return rest as TgMessage;
}
