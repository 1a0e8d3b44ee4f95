import { EntityParseError, type ParsedText, parseHtml, parseMarkdownV2 } from "./entities.js";
import type { TgApiResponse, TgChat, TgMessage, TgMessageDraft, TgMessageEntity } from "./wire.js";
import type { BotState, FakeWorld } from "./world.js";

/** Telegram's limit on a message's text after entity parsing. */
export const MAX_MESSAGE_LENGTH = 4096;

/** A message a bot sent, as the fake accepted it. */
export interface SentMessageRecord {
  /** The token the call was made with: the proof of which bot sent it. */
  token: string;
  botId: number;
  botUsername: string;
  chatId: number;
  threadId?: number;
  /** The text as the user sees it (after HTML / MarkdownV2 parsing). */
  text: string;
  /** The `text` parameter exactly as sent. */
  rawText: string;
  parseMode?: string;
  entities: TgMessageEntity[];
  replyToMessageId?: number;
  /** The Message object returned to the bot. */
  message: TgMessage;
}

/** A chat action (typing indicator) a bot sent. */
export interface ChatActionRecord {
  token: string;
  botId: number;
  chatId: number;
  threadId?: number;
  action: string;
}

export type Params = Record<string, unknown>;

export interface MethodEnv {
  world: FakeWorld;
  now: () => number;
  onSent(record: SentMessageRecord): void;
  onChatAction(record: ChatActionRecord): void;
  onWebhookChanged(state: BotState): void;
}

export interface MethodAnswer {
  status: number;
  body: TgApiResponse;
}

const ok = (result: unknown): MethodAnswer => ({ status: 200, body: { ok: true, result } });
const fail = (status: number, description: string): MethodAnswer => ({
  status,
  body: { ok: false, error_code: status, description },
});

const SECRET_TOKEN = /^[A-Za-z0-9_-]{1,256}$/;

/** Answers every method except getUpdates (which holds connections and lives in the server). */
export function callMethod(env: MethodEnv, state: BotState, method: string, params: Params): MethodAnswer {
  switch (method) {
    case "getMe":
      return ok({
        ...state.bot.user,
        can_join_groups: true,
        can_read_all_group_messages: false,
        supports_inline_queries: false,
        can_connect_to_business: false,
        has_main_web_app: false,
      });
    case "logOut":
    case "close":
      return ok(true);
    case "setWebhook":
      return setWebhook(env, state, params);
    case "deleteWebhook":
      delete state.webhook;
      if (params.drop_pending_updates === true) state.pending.length = 0;
      env.onWebhookChanged(state);
      return ok(true);
    case "getWebhookInfo":
      return ok({
        url: state.webhook?.url ?? "",
        has_custom_certificate: false,
        pending_update_count: state.pending.length,
        allowed_updates: state.allowedUpdates,
      });
    case "sendMessage":
      return sendMessage(env, state, params);
    case "sendChatAction":
      return sendChatAction(env, state, params);
    default:
      return fail(404, "Not Found");
  }
}

function setWebhook(env: MethodEnv, state: BotState, params: Params): MethodAnswer {
  const url = params.url;
  if (typeof url !== "string") return fail(400, 'Bad Request: parameter "url" is required');
  const secret = params.secret_token;
  if (secret !== undefined && (typeof secret !== "string" || !SECRET_TOKEN.test(secret))) {
    return fail(400, "Bad Request: secret token contains unallowed characters");
  }
  if (Array.isArray(params.allowed_updates)) state.allowedUpdates = params.allowed_updates.map(String);
  if (params.drop_pending_updates === true) state.pending.length = 0;
  if (url === "") delete state.webhook;
  else state.webhook = typeof secret === "string" ? { url, secretToken: secret } : { url };
  env.onWebhookChanged(state);
  return ok(true);
}

function threadOf(env: MethodEnv, chat: TgChat, params: Params): number | MethodAnswer | undefined {
  const raw = params.message_thread_id;
  if (raw === undefined) return undefined;
  const threadId = Number(raw);
  if (!Number.isSafeInteger(threadId)) return fail(400, "Bad Request: invalid message thread identifier");
  if (chat.is_forum && !env.world.hasTopic(chat, threadId))
    return fail(400, "Bad Request: message thread not found");
  return threadId;
}

function sendMessage(env: MethodEnv, state: BotState, params: Params): MethodAnswer {
  const chat = env.world.findChat(params.chat_id);
  if (!chat) return fail(400, "Bad Request: chat not found");
  const rawText = typeof params.text === "string" ? params.text : "";
  const parseMode = typeof params.parse_mode === "string" ? params.parse_mode : undefined;
  let parsed: ParsedText;
  try {
    if (parseMode === "HTML") parsed = parseHtml(rawText);
    else if (parseMode === "MarkdownV2") parsed = parseMarkdownV2(rawText);
    else if (parseMode === undefined) parsed = { text: rawText, entities: [] };
    else return fail(400, `Bad Request: unsupported parse_mode "${parseMode}"`);
  } catch (error) {
    if (error instanceof EntityParseError) return fail(400, error.message);
    throw error;
  }
  if (parsed.text.trim() === "") return fail(400, "Bad Request: message text is empty");
  if (parsed.text.length > MAX_MESSAGE_LENGTH) return fail(400, "Bad Request: message is too long");
  const threadId = threadOf(env, chat, params);
  if (typeof threadId === "object") return threadId;

  const replyParams = (params.reply_parameters ?? {}) as Params;
  const replyToId = Number(replyParams.message_id ?? params.reply_to_message_id ?? Number.NaN);
  let replyTo: TgMessage | undefined;
  if (Number.isSafeInteger(replyToId)) {
    replyTo = env.world.findMessage(state.bot, chat, replyToId);
    const lenient =
      replyParams.allow_sending_without_reply === true || params.allow_sending_without_reply === true;
    if (!replyTo && !lenient) return fail(400, "Bad Request: message to be replied not found");
  }

  const body: TgMessageDraft = {
    date: Math.floor(env.now() / 1000),
    chat,
    from: state.bot.user,
    text: parsed.text,
  };
  if (parsed.entities.length > 0) body.entities = parsed.entities;
  if (threadId !== undefined) {
    body.message_thread_id = threadId;
    if (chat.is_forum) body.is_topic_message = true;
  }
  if (replyTo) body.reply_to_message = replyTo;
  const message = env.world.store(state.bot, body);

  const record: SentMessageRecord = {
    token: state.bot.token,
    botId: state.bot.id,
    botUsername: state.bot.username,
    chatId: chat.id,
    text: parsed.text,
    rawText,
    entities: parsed.entities,
    message,
  };
  if (threadId !== undefined) record.threadId = threadId;
  if (parseMode !== undefined) record.parseMode = parseMode;
  if (replyTo) record.replyToMessageId = replyTo.message_id;
  env.onSent(record);
  return ok(message);
}

function sendChatAction(env: MethodEnv, state: BotState, params: Params): MethodAnswer {
  const chat = env.world.findChat(params.chat_id);
  if (!chat) return fail(400, "Bad Request: chat not found");
  if (typeof params.action !== "string") return fail(400, "Bad Request: wrong parameter action in request");
  const threadId = threadOf(env, chat, params);
  if (typeof threadId === "object") return threadId;
  const record: ChatActionRecord = {
    token: state.bot.token,
    botId: state.bot.id,
    chatId: chat.id,
    action: params.action,
  };
  if (threadId !== undefined) record.threadId = threadId;
  env.onChatAction(record);
  return ok(true);
}
