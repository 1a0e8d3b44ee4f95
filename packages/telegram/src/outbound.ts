import {
  chunkText,
  GatewayError,
  type Logger,
  type OutboundMessage,
  type OutboundTarget,
  PartialSendError,
  PLATFORM_TEXT_LIMITS,
  toGatewayError,
} from "@patchbay/core";
import type { ParseMode, SendTextParams, SentTelegramMessage } from "./client.js";
import { isEntityParseError } from "./errors.js";
import { renderMarkdown } from "./format.js";
import { messageKey } from "./inbound.js";
import type { SendScheduler } from "./pacing.js";

/** Where a target lands on Telegram. */
export interface ChatRoute {
  chatId: number | string;
  threadId?: number;
  /** Groups and channels share Telegram's 20 messages/minute limit; DMs do not. */
  isGroup: boolean;
  /** The pacing key: one queue per chat. */
  key: string;
}

/** Telegram's General forum topic is thread 1, and rejects an explicit message_thread_id of 1. */
const GENERAL_TOPIC = 1;

/**
 * Reads a target the way inbound.ts writes peers: a numeric chat id (`-100…` for supergroups and
 * channels, the user id for DMs), `<chatId>:topic:<threadId>` for a forum topic, or a public
 * `@channelname`. `target.threadId`, when given, wins over a topic in the peer id.
 */
export function routeOf(target: OutboundTarget): ChatRoute {
  const id = target.peer.id.trim();
  const topic = /^(-?\d+):topic:(\d+)$/.exec(id);
  let chatId: number | string;
  let threadId: number | undefined;
  if (topic) {
    chatId = Number(topic[1]);
    threadId = Number(topic[2]);
  } else if (/^-?\d+$/.test(id)) {
    chatId = Number(id);
  } else if (/^@[A-Za-z0-9_]{4,}$/.test(id)) {
    chatId = id;
  } else {
    throw new GatewayError("PLATFORM_ERROR", `not a Telegram chat: peer id "${id}"`, {
      channel: "telegram",
      accountId: target.accountId,
    });
  }
  if (target.threadId !== undefined && /^\d+$/.test(target.threadId)) threadId = Number(target.threadId);
  const route: ChatRoute = { chatId, isGroup: target.peer.kind !== "direct", key: String(chatId) };
  if (threadId !== undefined && threadId !== GENERAL_TOPIC) route.threadId = threadId;
  return route;
}

/**
 * The message id to quote: accepts the envelope's `<chatId>:<messageId>` (a quote of a message in
 * another chat is dropped, Telegram cannot do it) or a bare message id.
 */
export function replyMessageId(replyToId: string | undefined, route: ChatRoute): number | undefined {
  if (replyToId === undefined) return undefined;
  const keyed = /^(-?\d+):(\d+)$/.exec(replyToId);
  if (keyed)
    return typeof route.chatId === "number" && Number(keyed[1]) !== route.chatId
      ? undefined
      : Number(keyed[2]);
  return /^\d+$/.test(replyToId) ? Number(replyToId) : undefined;
}

export interface OutboundDeps {
  sendMessage(params: SendTextParams): Promise<SentTelegramMessage>;
  scheduler: SendScheduler;
  parseMode: ParseMode;
  logger: Logger;
}

/**
 * Sends one reply: chunked at 4096 characters (visible text; markup does not count), paced per
 * chat, the first chunk quoting `replyToId`. Markdown goes out in the account's dialect and falls
 * back to the plain chunk when Telegram rejects the entities. Returns `<chatId>:<messageId>` ids;
 * a failure after the first part throws PartialSendError carrying the ids already sent.
 */
export async function sendReply(
  deps: OutboundDeps,
  route: ChatRoute,
  message: OutboundMessage,
): Promise<string[]> {
  const chunks = chunkText(message.text, { limit: PLATFORM_TEXT_LIMITS.telegram });
  const replyTo = replyMessageId(message.replyToId, route);
  return deps.scheduler.run(route.key, route.isGroup, async (pace) => {
    const ids: string[] = [];
    try {
      for (const [index, chunk] of chunks.entries()) {
        await pace();
        const params: SendTextParams = { chatId: route.chatId, text: chunk };
        if (route.threadId !== undefined) params.threadId = route.threadId;
        if (index === 0 && replyTo !== undefined) params.replyToMessageId = replyTo;
        const sent = await sendChunk(deps, params, message.format === "markdown");
        ids.push(messageKey(sent.chatId, sent.messageId));
      }
    } catch (error) {
      // Parts already in the chat cannot be taken back; say which, rather than losing their ids.
      if (ids.length > 0) throw new PartialSendError(ids, chunks.length, toGatewayError(error));
      throw error;
    }
    return ids;
  });
}

async function sendChunk(
  deps: OutboundDeps,
  plain: SendTextParams,
  markdown: boolean,
): Promise<SentTelegramMessage> {
  if (!markdown) return deps.sendMessage(plain);
  try {
    return await deps.sendMessage({
      ...plain,
      text: renderMarkdown(plain.text, deps.parseMode),
      parseMode: deps.parseMode,
    });
  } catch (error) {
    if (!isEntityParseError(error)) throw error;
    deps.logger.warn("Telegram rejected the formatted text; resending it as plain text", {
      parseMode: deps.parseMode,
      error: error instanceof Error ? error.message : String(error),
    });
    return deps.sendMessage(plain);
  }
}
