import { ConfigError, type KeyValueStore, type Logger, PLATFORM_TEXT_LIMITS } from "@patchbay/core";
import { z } from "zod";
import type { SlackHttpRouter } from "./http-receiver.js";
import type { SlackSocketHub } from "./socket-hub.js";

const positiveMs = z.number().int().min(0);

/**
 * The serialisable part of a Slack account's options, already resolved by the gateway (SecretRefs
 * and the `SLACK_*` env fallbacks of the default account are the gateway's job, never read here).
 */
export const SlackChannelConfig = z
  .object({
    /** Normalised account id (`default` when the account has no name). */
    accountId: z.string().trim().min(1),
    /** Bot token (`xoxb-…`): every Web API call and every reply. */
    botToken: z.string().min(1),
    /** App-level token (`xapp-…`) with `connections:write`: Socket Mode. */
    appToken: z.string().min(1).optional(),
    /** Signing secret of the app: HTTP mode (Events API requests are verified with it). */
    signingSecret: z.string().min(1).optional(),
    /** Without it, an `appToken` means Socket Mode and a `signingSecret` alone means HTTP (DESIGN.md). */
    mode: z.enum(["socket", "http"]).optional(),
    /** Web API root, e.g. `http://127.0.0.1:8083/api/` for a fake (default Slack's). */
    apiUrl: z.url().optional(),
    /** Characters per message before a reply is split (default 4000). */
    textChunkLimit: z.number().int().min(64).max(40_000).optional(),
    /** Look up senders' display names with users.info, cached (default true). */
    resolveUserNames: z.boolean().optional(),
    /** Web API retries for network errors and 5xx (default 2); 429s are handled by `rateLimit`. */
    apiRetries: z.number().int().min(0).max(10).optional(),
    /** 429 handling for sends: how often to wait out `Retry-After`, and the longest wait accepted. */
    rateLimit: z
      .object({ maxRetries: z.number().int().min(0).optional(), maxWaitMs: positiveMs.optional() })
      .optional(),
    /** Socket Mode reconnect backoff (exponential with jitter). */
    reconnect: z
      .object({
        initialMs: positiveMs.optional(),
        maxMs: positiveMs.optional(),
        jitter: z.number().min(0).max(1).optional(),
      })
      .optional(),
    /** Socket Mode keep-alive and handshake timeouts. */
    socket: z
      .object({
        clientPingTimeoutMs: z.number().int().min(1).optional(),
        serverPingTimeoutMs: z.number().int().min(1).optional(),
        helloTimeoutMs: z.number().int().min(1).optional(),
      })
      .optional(),
    /** How many Events API event_ids are remembered to drop Slack's retries (default 1000). */
    dedupeWindow: z.number().int().min(1).optional(),
  })
  .strict();

export type SlackChannelConfig = z.input<typeof SlackChannelConfig>;

/** What only code can pass: logger, state, clock, and the shared Socket Mode hub. */
export interface SlackChannelRuntime {
  logger?: Logger;
  /** Durable store for the event_id dedupe window (retries survive a restart). */
  state?: KeyValueStore;
  /** Clock for the request timestamp window and health (default `Date.now`). */
  now?: () => number;
  /** Where Socket Mode connections are shared (default: the process-wide hub). */
  socketHub?: SlackSocketHub;
  /** Where HTTP-mode accounts of one app find each other (default: the process-wide router). */
  httpRouter?: SlackHttpRouter;
}

/** Options of `createSlackChannel`: the config plus runtime services. */
export type SlackChannelOptions = SlackChannelConfig & SlackChannelRuntime;

export type SlackMode = "socket" | "http";

/** The config with every default applied and the mode decided. */
export interface ResolvedSlackConfig {
  accountId: string;
  botToken: string;
  appToken: string | undefined;
  signingSecret: string | undefined;
  mode: SlackMode;
  apiUrl: string;
  textChunkLimit: number;
  resolveUserNames: boolean;
  apiRetries: number;
  rateLimit: { maxRetries: number; maxWaitMs: number };
  reconnect: { initialMs: number; maxMs: number; jitter: number };
  socket: { clientPingTimeoutMs: number; serverPingTimeoutMs: number; helloTimeoutMs: number };
  dedupeWindow: number;
}

export const SLACK_API_URL = "https://slack.com/api/";

/** Validates the serialisable options, decides the mode, and fills defaults. Throws ConfigError. */
export function resolveSlackConfig(options: SlackChannelOptions): ResolvedSlackConfig {
  const { logger: _l, state: _s, now: _n, socketHub: _h, httpRouter: _r, ...serialisable } = options;
  const parsed = SlackChannelConfig.safeParse(serialisable);
  const prefix = `channels.slack.accounts.${typeof options.accountId === "string" ? options.accountId : "?"}`;
  if (!parsed.success) {
    // zod's messages describe types, never echo values, so no token can leak through them.
    throw new ConfigError(
      parsed.error.issues.map((issue) => ({
        path: [prefix, ...issue.path.map(String)].join("."),
        message: issue.message,
      })),
      { channel: "slack" },
    );
  }
  const c = parsed.data;
  const mode: SlackMode = c.mode ?? (c.appToken ? "socket" : "http");
  if (mode === "socket" && !c.appToken) {
    throw new ConfigError(
      [{ path: `${prefix}.appToken`, message: "Socket Mode needs an app-level token (xapp-…)" }],
      {
        channel: "slack",
        accountId: c.accountId,
      },
    );
  }
  if (mode === "http" && !c.signingSecret) {
    throw new ConfigError(
      [{ path: `${prefix}.signingSecret`, message: "HTTP mode needs the app's signing secret" }],
      {
        channel: "slack",
        accountId: c.accountId,
      },
    );
  }
  return {
    accountId: c.accountId,
    botToken: c.botToken,
    appToken: c.appToken,
    signingSecret: c.signingSecret,
    mode,
    apiUrl: c.apiUrl ? (c.apiUrl.endsWith("/") ? c.apiUrl : `${c.apiUrl}/`) : SLACK_API_URL,
    textChunkLimit: c.textChunkLimit ?? PLATFORM_TEXT_LIMITS.slack,
    resolveUserNames: c.resolveUserNames ?? true,
    apiRetries: c.apiRetries ?? 2,
    rateLimit: { maxRetries: c.rateLimit?.maxRetries ?? 3, maxWaitMs: c.rateLimit?.maxWaitMs ?? 60_000 },
    reconnect: {
      initialMs: c.reconnect?.initialMs ?? 1_000,
      maxMs: c.reconnect?.maxMs ?? 60_000,
      jitter: c.reconnect?.jitter ?? 0.5,
    },
    socket: {
      clientPingTimeoutMs: c.socket?.clientPingTimeoutMs ?? 5_000,
      serverPingTimeoutMs: c.socket?.serverPingTimeoutMs ?? 30_000,
      helloTimeoutMs: c.socket?.helloTimeoutMs ?? 15_000,
    },
    dedupeWindow: c.dedupeWindow ?? 1_000,
  };
}

/** Every secret of the account, for `redactSecrets`. */
export function secretsOf(config: ResolvedSlackConfig): string[] {
  return [config.botToken, config.appToken, config.signingSecret].filter((s): s is string => Boolean(s));
}
