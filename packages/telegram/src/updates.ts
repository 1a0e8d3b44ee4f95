import { z } from "zod";

/**
 * The part of the Bot API Update we read, validated. Updates arrive as `unknown` (from getUpdates or
 * a webhook body) and are trusted only after this parse; unknown fields pass through untouched.
 */

const id = z.number().int();

export const TgUser = z.looseObject({
  id,
  is_bot: z.boolean(),
  first_name: z.string(),
  last_name: z.string().optional(),
  username: z.string().optional(),
});
export type TgUser = z.infer<typeof TgUser>;

export const TgChat = z.looseObject({
  id,
  type: z.enum(["private", "group", "supergroup", "channel"]),
  title: z.string().optional(),
  username: z.string().optional(),
  first_name: z.string().optional(),
  last_name: z.string().optional(),
  is_forum: z.boolean().optional(),
});
export type TgChat = z.infer<typeof TgChat>;

export const TgEntity = z.looseObject({
  type: z.string(),
  offset: z.number().int().min(0),
  length: z.number().int().min(0),
  url: z.string().optional(),
  user: TgUser.optional(),
});
export type TgEntity = z.infer<typeof TgEntity>;

const TgFile = z.looseObject({
  file_id: z.string(),
  file_size: z.number().optional(),
  mime_type: z.string().optional(),
  file_name: z.string().optional(),
});

const TgPhotoSize = TgFile.extend({ width: z.number(), height: z.number() });

/** The replied-to message: Telegram nests one level, so it is read more loosely. */
const TgReplyMessage = z.looseObject({
  message_id: id,
  from: TgUser.optional(),
  sender_chat: TgChat.optional(),
  text: z.string().optional(),
  caption: z.string().optional(),
});

export const TgMessage = z.looseObject({
  message_id: id,
  date: z.number().int(),
  chat: TgChat,
  from: TgUser.optional(),
  sender_chat: TgChat.optional(),
  message_thread_id: id.optional(),
  is_topic_message: z.boolean().optional(),
  text: z.string().optional(),
  caption: z.string().optional(),
  entities: z.array(TgEntity).optional(),
  caption_entities: z.array(TgEntity).optional(),
  reply_to_message: TgReplyMessage.optional(),
  photo: z.array(TgPhotoSize).optional(),
  document: TgFile.optional(),
  video: TgFile.optional(),
  animation: TgFile.optional(),
  audio: TgFile.extend({ title: z.string().optional() }).optional(),
  voice: TgFile.optional(),
  video_note: TgFile.optional(),
  sticker: TgFile.extend({
    is_animated: z.boolean().optional(),
    is_video: z.boolean().optional(),
  }).optional(),
  location: z.looseObject({ latitude: z.number(), longitude: z.number() }).optional(),
  venue: z.looseObject({ title: z.string().optional() }).optional(),
  contact: z
    .looseObject({ phone_number: z.string().optional(), first_name: z.string().optional() })
    .optional(),
});
export type TgMessage = z.infer<typeof TgMessage>;

export const TgUpdate = z.looseObject({
  update_id: z.number().int().min(0),
  message: TgMessage.optional(),
  edited_message: z.unknown().optional(),
  channel_post: TgMessage.optional(),
  edited_channel_post: z.unknown().optional(),
});
export type TgUpdate = z.infer<typeof TgUpdate>;

/** The update id of a raw payload when it has a usable one, even if the rest is malformed. */
export function readUpdateId(raw: unknown): number | undefined {
  if (typeof raw !== "object" || raw === null) return undefined;
  const value = (raw as { update_id?: unknown }).update_id;
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}
