import { type AccountHealth, ConfigError, type ConfigIssue, type Logger } from "@patchbay/core";
import { z } from "zod";

const snowflake = z.string().regex(/^\d{1,20}$/, "must be a Discord id (digits)");
const duration = z.number().int().min(0);

/** Who agent output may ping. Defaults: users yes, roles no, @everyone/@here never, the replied-to author yes. */
export const DiscordAllowedMentionsConfig = z
  .object({
    /** true: any user mentioned in the text; a list: only these users. */
    users: z.union([z.boolean(), z.array(snowflake)]).optional(),
    /** true: any role mentioned in the text; a list: only these roles. Default false. */
    roles: z.union([z.boolean(), z.array(snowflake)]).optional(),
    /** Let `@everyone` / `@here` ping. Default false. */
    everyone: z.boolean().optional(),
    /** Ping the author of the message a reply answers. Default true. */
    repliedUser: z.boolean().optional(),
  })
  .strict();
export type DiscordAllowedMentionsConfig = z.infer<typeof DiscordAllowedMentionsConfig>;

/** The data part of a Discord account's options, already resolved by the gateway (no SecretRefs). */
export const DiscordChannelConfig = z
  .object({
    /** Normalised account id (`default` for the unnamed account). */
    accountId: z.string().min(1),
    /** The bot token, resolved (config value, SecretRef or DISCORD_BOT_TOKEN for the default account). */
    token: z.string().min(1),
    /** REST base, e.g. `http://127.0.0.1:8082/api`; the gateway URL comes from its `/gateway/bot`. */
    restApi: z.url().optional(),
    /** Split replies so no message has more lines than this (OpenClaw `maxLinesPerMessage`). */
    maxLinesPerMessage: z.number().int().min(1).optional(),
    allowedMentions: DiscordAllowedMentionsConfig.optional(),
    /** How long discord.js waits for GUILD_CREATEs before declaring the client ready. Default 15000. */
    waitGuildTimeoutMs: duration.optional(),
    /** start() gives up (and rejects) when the account is not ready by then. Default 60000. */
    startTimeoutMs: duration.optional(),
    /** Reconnect backoff after a recoverable gateway close. */
    reconnect: z
      .object({
        initialMs: duration.optional(),
        maxMs: duration.optional(),
        jitter: z.number().min(0).max(1).optional(),
        /** Failed resumes in a row before a fresh IDENTIFY. Default 3. */
        maxResumeAttempts: z.number().int().min(0).optional(),
      })
      .strict()
      .optional(),
    /** Minimum time between two IDENTIFYs of this account. Default 5000 (Discord's rule). */
    identifyIntervalMs: duration.optional(),
    rest: z
      .object({
        /** Per-request timeout. Default 15000. */
        timeoutMs: duration.optional(),
        /** Retries on 5xx / network errors. Default 3. */
        retries: z.number().int().min(0).optional(),
        /** A 429 asking to wait longer than this fails the send with RateLimitError. Default 60000. */
        maxRateLimitWaitMs: duration.optional(),
      })
      .strict()
      .optional(),
    /** How often a running typing indicator is renewed (Discord shows one for ~10 s). Default 8000. */
    typingIntervalMs: z.number().int().min(1).optional(),
  })
  .strict();
export type DiscordChannelConfig = z.infer<typeof DiscordChannelConfig>;

/** Everything `createDiscordChannel` takes: the validated config plus injected collaborators. */
export interface DiscordChannelOptions extends DiscordChannelConfig {
  logger?: Logger;
  /** Clock for health timestamps. */
  now?: () => number;
  /** Randomness for reconnect jitter (tests make it deterministic). */
  random?: () => number;
  /** Called on every health state change (for the gateway's /healthz and for tests). */
  onHealthChange?: (health: AccountHealth) => void;
}

/** Validates the data part of the options; throws ConfigError (never echoing the token). */
export function parseDiscordChannelConfig(input: unknown): DiscordChannelConfig {
  const result = DiscordChannelConfig.safeParse(input);
  if (result.success) return result.data;
  const issues: ConfigIssue[] = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join("."),
    message: issue.message,
  }));
  throw new ConfigError(issues, { channel: "discord" });
}
