export type { WebhookDelivery } from "./dispatch.js";
export { detectEntities, EntityParseError, type ParsedText, parseHtml, parseMarkdownV2 } from "./entities.js";
export {
  type ApiCall,
  FakeTelegramBotApi,
  type FakeTelegramOptions,
} from "./fake-bot-api.js";
export type { FaultKind, FaultSpec } from "./faults.js";
export type { WebhookPostResult } from "./http.js";
export { type ChatActionRecord, MAX_MESSAGE_LENGTH, type SentMessageRecord } from "./methods.js";
export type { ForumTopic, UserMessageOptions } from "./script.js";
export type * from "./wire.js";
export type { FakeBot, WebhookSetting } from "./world.js";
