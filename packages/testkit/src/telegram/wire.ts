/**
 * The slice of the Telegram Bot API wire format the fake speaks. Field names are Telegram's own
 * (snake_case), so a payload built here is byte-for-byte what the real API would send.
 */

export interface TgUser {
  id: number;
  is_bot: boolean;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

export type TgChatType = "private" | "group" | "supergroup" | "channel";

export interface TgChat {
  id: number;
  type: TgChatType;
  title?: string;
  username?: string;
  first_name?: string;
  last_name?: string;
  is_forum?: boolean;
}

export type TgEntityType =
  | "mention"
  | "hashtag"
  | "bot_command"
  | "url"
  | "bold"
  | "italic"
  | "underline"
  | "strikethrough"
  | "spoiler"
  | "blockquote"
  | "code"
  | "pre"
  | "text_link"
  | "text_mention";

export interface TgMessageEntity {
  type: TgEntityType;
  /** Offset in UTF-16 code units, as Telegram counts. */
  offset: number;
  length: number;
  url?: string;
  user?: TgUser;
  language?: string;
}

export interface TgPhotoSize {
  file_id: string;
  file_unique_id: string;
  width: number;
  height: number;
  file_size?: number;
}

export interface TgDocument {
  file_id: string;
  file_unique_id: string;
  file_name?: string;
  mime_type?: string;
  file_size?: number;
}

/** A message before the server numbers it; service fields are left open (`[field: string]: unknown`). */
export interface TgMessageDraft {
  date: number;
  chat: TgChat;
  from?: TgUser;
  sender_chat?: TgChat;
  message_thread_id?: number;
  is_topic_message?: boolean;
  text?: string;
  caption?: string;
  entities?: TgMessageEntity[];
  caption_entities?: TgMessageEntity[];
  reply_to_message?: TgMessage;
  edit_date?: number;
  photo?: TgPhotoSize[];
  document?: TgDocument;
  [field: string]: unknown;
}

/** A message as the Bot API returns it. */
export interface TgMessage extends TgMessageDraft {
  message_id: number;
}

/** An update as delivered by getUpdates or a webhook POST. */
export interface TgUpdate {
  update_id: number;
  message?: TgMessage;
  edited_message?: TgMessage;
  channel_post?: TgMessage;
  edited_channel_post?: TgMessage;
  [field: string]: unknown;
}

export interface TgApiSuccess<T = unknown> {
  ok: true;
  result: T;
}

export interface TgApiFailure {
  ok: false;
  error_code: number;
  description: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

export type TgApiResponse<T = unknown> = TgApiSuccess<T> | TgApiFailure;
