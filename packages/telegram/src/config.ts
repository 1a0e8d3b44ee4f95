import { ConfigError, type KeyValueStore, type Logger } from "@patchbay/core";
import { z } from "zod";

/** Telegram's own shape of a bot token: `<bot id>:<secret>`. */
const BOT_TOKEN = /^\d+:[A-Za-z0-9_-]+$/;
/** What Telegram allows in `secret_token` (setWebhook). */
const WEBHOOK_SECRET = /^[A-Za-z0-9_-]{1,256}$/;

const positiveMs = z.number().int().min(0);

/**
 * The plain-data options of one Telegram account, validated once at construction. Values are
 * already resolved by the gateway (SecretRefs, tokenFile, TELEGRAM_BOT_TOKEN); nothing here reads
 * the environment. Error messages never echo a value, so a token cannot leak through them.
 */
export const TelegramAdapterConfig = z
  .object({
    /** Normalised account id (`default` for an unnamed account). */
    accountId: z.string().min(1),
    /** The bot token from @BotFather. */
    token: z.string().regex(BOT_TOKEN, "does not look like a Telegram bot token (<bot id>:<secret>)"),
    /** Bot API root without a trailing slash; point it at a fake, a proxy or a self-hosted Bot API. */
    apiRoot: z
      .url({ protocol: /^https?$/ })
      .default("https://api.telegram.org")
      .transform((root) => root.replace(/\/+$/, "")),
    /** `polling` (getUpdates) or `webhook` (Telegram POSTs to `webhook.url`). */
    mode: z.enum(["polling", "webhook"]).default("polling"),
    webhook: z
      .object({
        /** The public URL Telegram posts to (the gateway mounts `webhookHandler()` behind it). */
        url: z.url({ protocol: /^https?$/ }),
        /** Sent back by Telegram in `X-Telegram-Bot-Api-Secret-Token`; 1-256 of `A-Za-z0-9_-`. */
        secretToken: z.string().regex(WEBHOOK_SECRET, "must be 1-256 characters of A-Z, a-z, 0-9, _ and -"),
      })
      .optional(),
    /** The dialect `format: "markdown"` replies are converted to. */
    parseMode: z.enum(["HTML", "MarkdownV2"]).default("HTML"),
    polling: z
      .object({
        /** Long-poll timeout passed to getUpdates, seconds. */
        timeoutSeconds: z.number().int().min(0).max(50).default(30),
        /** Updates per getUpdates call. */
        limit: z.number().int().min(1).max(100).default(100),
      })
      .prefault({}),
    pacing: z
      .object({
        /** Minimum gap between two messages to the same chat (Telegram: about 1 per second). */
        perChatIntervalMs: positiveMs.default(1000),
        /** Messages per minute to one group or channel (Telegram: 20). */
        groupPerMinute: z.number().int().min(1).default(20),
        /** Messages per second across all chats of this bot (Telegram: about 30). */
        globalPerSecond: z.number().int().min(1).default(30),
      })
      .prefault({}),
    retry: z
      .object({
        /** Attempts per API call when Telegram answers 429 (the first try included). */
        maxAttempts: z.number().int().min(1).default(4),
        /** Longest `retry_after` honoured by waiting; longer ones fail fast with a RateLimitError. */
        maxRetryAfterMs: positiveMs.default(60_000),
        /** Milliseconds per `retry_after` second (1000; tests shrink it). */
        retryAfterUnitMs: positiveMs.default(1000),
      })
      .prefault({}),
    /** Reconnect backoff after a failed poll or a failed delivery to the sink. */
    backoff: z
      .object({ initialMs: positiveMs.default(1000), maxMs: positiveMs.default(30_000) })
      .prefault({}),
    /** Consecutive failures (polls, or sends) before health turns `degraded`. */
    degradedAfterFailures: z.number().int().min(1).default(3),
    /** Update ids remembered to drop redeliveries. */
    dedupeWindow: z.number().int().min(1).default(1000),
    /** Attempts to hand one update to the sink before it is logged and dropped (polling mode). */
    deliveryAttempts: z.number().int().min(1).default(5),
  })
  .superRefine((config, ctx) => {
    if (config.mode === "webhook" && !config.webhook) {
      ctx.addIssue({
        code: "custom",
        path: ["webhook"],
        message: "webhook mode needs webhook.url and webhook.secretToken",
      });
    }
  });

/** Validated, defaulted options (the output of the schema). */
export type TelegramAdapterConfig = z.output<typeof TelegramAdapterConfig>;

/** Collaborators injected by the gateway (or a test); not part of the validated data. */
export interface TelegramChannelDeps {
  logger?: Logger;
  /** Where the getUpdates offset and the dedupe window live (default: in memory, lost on restart). */
  state?: KeyValueStore;
  now?: () => number;
}

/** What `createTelegramChannel` accepts: the config (before defaults) plus the collaborators. */
export type TelegramChannelOptions = z.input<typeof TelegramAdapterConfig> & TelegramChannelDeps;

/** Validates the data part of the options; throws ConfigError naming the paths, never the values. */
export function parseTelegramConfig(options: TelegramChannelOptions): TelegramAdapterConfig {
  const { logger: _logger, state: _state, now: _now, ...data } = options;
  const parsed = TelegramAdapterConfig.safeParse(data);
  if (parsed.success) return parsed.data;
  throw new ConfigError(
    parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join("."), message: issue.message })),
    {
      channel: "telegram",
      ...(typeof options.accountId === "string" ? { accountId: options.accountId } : {}),
    },
  );
}
