import {
  ChannelAuthError,
  chunkText,
  GatewayError,
  type Logger,
  type OutboundMessage,
  type OutboundTarget,
  PartialSendError,
  RateLimitError,
  type SentMessage,
  sleep,
  toGatewayError,
} from "@patchbay/core";
import type { SlackApi } from "./api.js";
import type { SlackDirectory } from "./directory.js";
import { retryAfterSeconds, toSlackError } from "./errors.js";
import { toSlackText } from "./format.js";
import { messageId } from "./inbound.js";

export interface SenderSettings {
  accountId: string;
  chunkLimit: number;
  rateLimit: { maxRetries: number; maxWaitMs: number };
  secrets: readonly string[];
  logger: Logger;
  now: () => number;
}

export interface SenderHooks {
  /** The bot token was refused: the account needs a new one. */
  onAuthFailure(error: ChannelAuthError): void;
}

/** `replyToId` may be an envelope id (`C…:ts`) or a bare ts; Slack replies by threading under it. */
export function threadTsOf(replyToId: string | undefined): string | undefined {
  if (!replyToId) return undefined;
  const ts = replyToId.slice(replyToId.lastIndexOf(":") + 1);
  return /^\d+(\.\d+)?$/.test(ts) ? ts : undefined;
}

/**
 * Posts replies as this account's bot: mrkdwn-escaped (or converted from markdown), split at the
 * chunk limit, in the thread the conversation is in. A 429 pauses every send of the account for
 * `Retry-After`, then retries, at most `rateLimit.maxRetries` times and never longer than
 * `rateLimit.maxWaitMs`; beyond that it throws RateLimitError for the gateway to reschedule.
 * When a later chunk fails, the thrown error carries `sentIds`: the ids of the chunks posted.
 */
export class SlackSender {
  readonly #api: SlackApi;
  readonly #directory: SlackDirectory;
  readonly #settings: SenderSettings;
  readonly #hooks: SenderHooks;
  readonly #abort = new AbortController();
  #pausedUntil = 0;

  constructor(api: SlackApi, directory: SlackDirectory, settings: SenderSettings, hooks: SenderHooks) {
    this.#api = api;
    this.#directory = directory;
    this.#settings = settings;
    this.#hooks = hooks;
  }

  /** Cancels rate-limit waits (the channel is stopping). */
  abort(): void {
    const { accountId } = this.#settings;
    this.#abort.abort(
      new GatewayError(
        "CONNECTION_FAILED",
        `Slack account "${accountId}" stopped while a send waited out a rate limit`,
        {
          channel: "slack",
          accountId,
        },
      ),
    );
  }

  async send(target: OutboundTarget, message: OutboundMessage): Promise<SentMessage> {
    const channel =
      target.peer.kind === "direct"
        ? (this.#directory.dmChannelOf(target.peer.id) ?? target.peer.id)
        : target.peer.id;
    const threadTs = target.threadId ?? threadTsOf(message.replyToId);
    const chunks = chunkText(toSlackText(message), { limit: this.#settings.chunkLimit });
    const ids: string[] = [];
    for (const text of chunks) {
      try {
        const posted = await this.#post(channel, text, threadTs);
        ids.push(messageId(posted.channel, posted.ts));
      } catch (error) {
        if (ids.length === 0) throw error;
        const failure = toGatewayError(error);
        this.#settings.logger.warn("Slack reply partly sent", {
          sentIds: ids,
          chunks: chunks.length,
          reason: failure.message,
        });
        throw new PartialSendError(ids, chunks.length, failure);
      }
    }
    return { ids };
  }

  async #post(
    channel: string,
    text: string,
    threadTs: string | undefined,
  ): Promise<{ channel: string; ts: string }> {
    const { maxRetries, maxWaitMs } = this.#settings.rateLimit;
    for (let attempt = 0; ; attempt++) {
      await this.#waitForPause();
      try {
        return await this.#api.postMessage({ channel, text, ...(threadTs ? { threadTs } : {}) });
      } catch (error) {
        const retryAfter = retryAfterSeconds(error);
        if (retryAfter !== undefined) {
          const waitMs = retryAfter * 1000;
          this.#pausedUntil = Math.max(this.#pausedUntil, this.#settings.now() + waitMs);
          if (attempt < maxRetries && waitMs <= maxWaitMs) {
            this.#settings.logger.info("Slack rate limited chat.postMessage; waiting Retry-After", {
              retryAfterMs: waitMs,
              attempt: attempt + 1,
            });
            continue;
          }
        }
        const failure = toSlackError(error, {
          accountId: this.#settings.accountId,
          method: "chat.postMessage",
          credential: "bot token",
          secrets: this.#settings.secrets,
        });
        if (failure instanceof ChannelAuthError) this.#hooks.onAuthFailure(failure);
        throw failure;
      }
    }
  }

  async #waitForPause(): Promise<void> {
    const waitMs = this.#pausedUntil - this.#settings.now();
    if (waitMs <= 0) return;
    const { accountId, rateLimit } = this.#settings;
    if (waitMs > rateLimit.maxWaitMs) {
      throw new RateLimitError(
        waitMs,
        `Slack account "${accountId}" is rate limited for another ${waitMs} ms`,
        {
          channel: "slack",
          accountId,
        },
      );
    }
    await sleep(waitMs, this.#abort.signal);
  }
}
