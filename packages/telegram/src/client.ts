import { GatewayError, type Logger, sleep } from "@patchbay/core";
import { type Api, Bot, GrammyError, HttpError, type Transformer } from "grammy";
import { type ErrorContext, fromApiFailure, fromNetworkFailure, stoppedError } from "./errors.js";

/** grammy types its signals with an AbortSignal polyfill; the runtime object is the standard one. */
type SdkSignal = NonNullable<Parameters<Api["getMe"]>[0]>;
const sdk = (signal: AbortSignal): SdkSignal => signal as unknown as SdkSignal;
function sdkOptional(signal: AbortSignal | undefined): SdkSignal | undefined {
  return signal === undefined ? undefined : sdk(signal);
}

/** The only file that imports grammy: everything else talks to this small, SDK-neutral client. */

export interface BotIdentity {
  id: number;
  username: string;
  firstName: string;
}

export type ParseMode = "HTML" | "MarkdownV2";

export interface SendTextParams {
  chatId: number | string;
  text: string;
  parseMode?: ParseMode;
  threadId?: number;
  replyToMessageId?: number;
}

export interface SentTelegramMessage {
  chatId: number;
  messageId: number;
}

export interface TelegramClientOptions {
  accountId: string;
  token: string;
  apiRoot: string;
  /** Per-request timeout; must exceed the long-poll timeout. */
  requestTimeoutSeconds: number;
  retry: { maxAttempts: number; maxRetryAfterMs: number; retryAfterUnitMs: number };
  logger: Logger;
  /** Aborted when the channel stops: cancels rate-limit waits and in-flight polls. */
  signal: AbortSignal;
}

/** The update types we ask Telegram for; everything else is never sent to us. */
export const ALLOWED_UPDATES = ["message", "edited_message", "channel_post", "edited_channel_post"] as const;

/**
 * One grammy `Bot` per account, used as a Bot API client: URL building (token in the path),
 * JSON/multipart encoding and the transformer pipeline. Polling and webhooks are ours (see
 * polling.ts and webhook.ts), so grammy's own runner is never started.
 */
export class TelegramClient {
  readonly #bot: Bot;
  readonly #options: TelegramClientOptions;
  readonly #errorContext: ErrorContext;

  constructor(options: TelegramClientOptions) {
    this.#options = options;
    this.#errorContext = {
      accountId: options.accountId,
      secrets: [options.token],
      retryAfterUnitMs: options.retry.retryAfterUnitMs,
    };
    this.#bot = new Bot(options.token, {
      client: { apiRoot: options.apiRoot, timeoutSeconds: options.requestTimeoutSeconds },
    });
    this.#bot.api.config.use(this.#waitOnRateLimit);
  }

  getMe(signal?: AbortSignal): Promise<BotIdentity> {
    return this.#call("getMe", async () => {
      const me = await this.#bot.api.getMe(sdkOptional(signal));
      this.#bot.botInfo = me;
      return { id: me.id, username: me.username, firstName: me.first_name };
    });
  }

  deleteWebhook(): Promise<void> {
    return this.#call("deleteWebhook", async () => {
      await this.#bot.api.deleteWebhook({ drop_pending_updates: false }, sdk(this.#options.signal));
    });
  }

  setWebhook(url: string, secretToken: string): Promise<void> {
    return this.#call("setWebhook", async () => {
      await this.#bot.api.setWebhook(
        url,
        { secret_token: secretToken, allowed_updates: [...ALLOWED_UPDATES] },
        sdk(this.#options.signal),
      );
    });
  }

  /** One long poll. Returns the raw updates: they are validated by inbound.ts, not trusted. */
  getUpdates(
    params: { offset: number; timeoutSeconds: number; limit: number },
    signal: AbortSignal,
  ): Promise<unknown[]> {
    return this.#call("getUpdates", async () => {
      const updates: unknown = await this.#bot.api.getUpdates(
        {
          offset: params.offset,
          timeout: params.timeoutSeconds,
          limit: params.limit,
          allowed_updates: [...ALLOWED_UPDATES],
        },
        sdk(signal),
      );
      return Array.isArray(updates) ? updates : [];
    });
  }

  sendMessage(params: SendTextParams): Promise<SentTelegramMessage> {
    return this.#call("sendMessage", async () => {
      const message = await this.#bot.api.sendMessage(params.chatId, params.text, {
        ...(params.parseMode ? { parse_mode: params.parseMode } : {}),
        ...(params.threadId !== undefined ? { message_thread_id: params.threadId } : {}),
        ...(params.replyToMessageId !== undefined
          ? { reply_parameters: { message_id: params.replyToMessageId, allow_sending_without_reply: true } }
          : {}),
      });
      return { chatId: message.chat.id, messageId: message.message_id };
    });
  }

  sendTyping(chatId: number | string, threadId?: number): Promise<void> {
    return this.#call("sendChatAction", async () => {
      await this.#bot.api.sendChatAction(
        chatId,
        "typing",
        threadId !== undefined ? { message_thread_id: threadId } : {},
        sdk(this.#options.signal),
      );
    });
  }

  /** Every SDK error becomes a GatewayError here, with the token scrubbed. */
  async #call<T>(method: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof GrammyError) {
        const retryAfter = error.parameters.retry_after;
        throw fromApiFailure(
          {
            method,
            errorCode: error.error_code,
            description: error.description,
            ...(retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {}),
          },
          this.#errorContext,
        );
      }
      if (this.#options.signal.aborted) throw stoppedError(this.#options.accountId);
      if (error instanceof GatewayError) throw error;
      throw fromNetworkFailure(method, error instanceof HttpError ? error.error : error, this.#errorContext);
    }
  }

  /**
   * A 429 waits `retry_after` and tries again, a bounded number of times, so a flood is answered
   * with silence, never with a burst of retries. Too long a wait fails fast (RateLimitError) and
   * leaves the decision to the caller.
   */
  readonly #waitOnRateLimit: Transformer = async (prev, method, payload, signal) => {
    const { maxAttempts, maxRetryAfterMs, retryAfterUnitMs } = this.#options.retry;
    for (let attempt = 1; ; attempt++) {
      const answer = await prev(method, payload, signal);
      if (answer.ok || answer.error_code !== 429) return answer;
      const waitMs = (answer.parameters?.retry_after ?? 1) * retryAfterUnitMs;
      if (attempt >= maxAttempts || waitMs > maxRetryAfterMs || this.#options.signal.aborted) return answer;
      this.#options.logger.warn("Telegram rate limit; waiting before retrying", { method, waitMs, attempt });
      const stop = this.#options.signal;
      await sleep(waitMs, signal ? AbortSignal.any([stop, signal as unknown as AbortSignal]) : stop);
    }
  };
}
