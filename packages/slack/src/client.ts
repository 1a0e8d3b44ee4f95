/**
 * The only file that imports the Slack SDK (`@slack/bolt`, and `@slack/socket-mode` which Bolt is
 * built on). Everything else talks to the small seams defined here and in `api.ts`.
 */
import type { Logger } from "@patchbay/core";
import { redactSecrets } from "@patchbay/core";
import { App, LogLevel, type Receiver, type Logger as SlackLogger, webApi } from "@slack/bolt";
import { SocketModeClient } from "@slack/socket-mode";
import type { ConversationInfo, SlackApi, SlackIdentity, UserInfo } from "./api.js";
import { authError } from "./errors.js";
import type { SocketEnvelope, SocketTransport } from "./socket-hub.js";

const RANK: Record<LogLevel, number> = {
  [LogLevel.DEBUG]: 0,
  [LogLevel.INFO]: 1,
  [LogLevel.WARN]: 2,
  [LogLevel.ERROR]: 3,
};

function show(value: unknown): string {
  if (typeof value === "string") return value;
  if (value instanceof Error) return value.message;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * Bolt's logger interface over ours. SDK debug output is off (it includes whole payloads); SDK
 * errors become our warnings, since the adapter logs the decisive failures itself with context.
 * Every line is scrubbed of the account's secrets.
 */
export function toSlackLogger(logger: Logger, secrets: readonly string[]): SlackLogger {
  let level: LogLevel = LogLevel.INFO;
  const emit =
    (at: LogLevel, write: (message: string) => void) =>
    (...parts: unknown[]) => {
      if (RANK[at] < RANK[level]) return;
      write(redactSecrets(parts.map(show).join(" "), secrets));
    };
  return {
    debug: emit(LogLevel.DEBUG, (m) => logger.debug(m)),
    info: emit(LogLevel.INFO, (m) => logger.debug(m)),
    warn: emit(LogLevel.WARN, (m) => logger.warn(m)),
    error: emit(LogLevel.ERROR, (m) => logger.warn(m)),
    setLevel: (next: LogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => {},
  };
}

export interface WebClientSettings {
  accountId: string;
  token: string;
  apiUrl: string;
  /** Retries of network errors and 5xx (never of 429s: those are rejected and handled by the caller). */
  retries: number;
  logger: Logger;
  secrets: readonly string[];
}

function clientOptions(settings: Omit<WebClientSettings, "token" | "accountId">) {
  return {
    slackApiUrl: settings.apiUrl,
    logger: toSlackLogger(settings.logger, settings.secrets),
    retryConfig: { retries: settings.retries, factor: 2, minTimeout: 250, maxTimeout: 5_000 },
    // A 429 rejects at once with its Retry-After; outbound.ts waits it out, bounded and abortable.
    rejectRateLimitedCalls: true,
  };
}

const str = (value: unknown): string | undefined =>
  typeof value === "string" && value !== "" ? value : undefined;

/** `SlackApi` over Bolt's WebClient with the bot token. */
export function createSlackApi(settings: WebClientSettings): SlackApi {
  const client = new webApi.WebClient(settings.token, clientOptions(settings));
  return {
    async authTest(): Promise<SlackIdentity> {
      const result = await client.auth.test();
      const teamId = str(result.team_id);
      const botUserId = str(result.user_id);
      const botId = str(result.bot_id);
      if (!teamId || !botUserId || !botId) {
        throw authError(
          { accountId: settings.accountId, method: "auth.test", credential: "bot token" },
          "not_a_bot_token",
        );
      }
      return {
        teamId,
        teamName: str(result.team),
        botUserId,
        botId,
        botName: str(result.user),
        url: str(result.url),
      };
    },
    async postMessage({ channel, text, threadTs }) {
      const result = await client.chat.postMessage({
        channel,
        text,
        mrkdwn: true,
        ...(threadTs ? { thread_ts: threadTs } : {}),
      });
      const ts = str(result.ts);
      if (!ts) throw new Error("chat.postMessage answered without a ts");
      return { channel: str(result.channel) ?? channel, ts };
    },
    async conversationInfo(channel: string): Promise<ConversationInfo> {
      const result = await client.conversations.info({ channel });
      const info = result.channel;
      return {
        id: str(info?.id) ?? channel,
        isIm: info?.is_im === true,
        isMpim: info?.is_mpim === true,
        isPrivate: info?.is_private === true,
        name: str(info?.name),
      };
    },
    async userInfo(user: string): Promise<UserInfo> {
      const result = await client.users.info({ user });
      const found = result.user;
      return {
        id: str(found?.id) ?? user,
        name: str(found?.profile?.display_name) ?? str(found?.real_name) ?? str(found?.profile?.real_name),
        username: str(found?.name),
        isBot: found?.is_bot === true,
      };
    },
  };
}

/** What Bolt hands to the adapter: message-like events and the install lifecycle. */
export interface BoltHandlers {
  /** `message` and `app_mention` events that passed Bolt's middleware (ignoreSelf included). */
  onMessage(event: unknown): Promise<void>;
  /** `tokens_revoked` and `app_uninstalled`. */
  onLifecycle(event: unknown): Promise<void>;
}

export interface BoltSettings extends WebClientSettings {
  botId: string;
  botUserId: string;
}

/** One Bolt App per account; events reach it through `dispatch`, never through a Bolt receiver. */
export interface BoltRuntime {
  /** Runs one Events API body through Bolt's middleware and listeners; rejects if a listener failed. */
  dispatch(body: Record<string, unknown>, retryNum?: number, retryReason?: string): Promise<void>;
}

/**
 * Bolt needs a Receiver; ours only keeps the seam. Transport (a shared Socket Mode connection, or
 * the gateway's HTTP server) lives outside the App, so one App never owns a socket or a port.
 */
class DispatchOnlyReceiver implements Receiver {
  init(): void {}
  start(): Promise<void> {
    return Promise.resolve();
  }
  stop(): Promise<void> {
    return Promise.resolve();
  }
}

function unwrapBoltError(error: unknown): unknown {
  const original =
    typeof error === "object" && error !== null ? (error as { original?: unknown }).original : undefined;
  return original ?? error;
}

export function createBoltRuntime(settings: BoltSettings, handlers: BoltHandlers): BoltRuntime {
  const app = new App({
    token: settings.token,
    // Known ids skip Bolt's own auth.test (the adapter already made one) and feed ignoreSelf.
    botId: settings.botId,
    botUserId: settings.botUserId,
    receiver: new DispatchOnlyReceiver(),
    logger: toSlackLogger(settings.logger, settings.secrets),
    clientOptions: clientOptions(settings),
    ignoreSelf: true,
    convoStore: false,
  });
  app.event("message", async ({ event }) => handlers.onMessage(event));
  app.event("app_mention", async ({ event }) => handlers.onMessage(event));
  app.event("tokens_revoked", async ({ event }) => handlers.onLifecycle(event));
  app.event("app_uninstalled", async ({ event }) => handlers.onLifecycle(event));
  // Rethrow so processEvent rejects and the caller decides (no ack / HTTP 500 → Slack retries).
  app.error(async (error) => {
    throw unwrapBoltError(error);
  });
  return {
    async dispatch(body, retryNum, retryReason) {
      try {
        await app.processEvent({
          body,
          // Acknowledgement is the transport's job, after the sink has the envelope.
          ack: async () => {},
          ...(retryNum !== undefined ? { retryNum } : {}),
          ...(retryReason !== undefined ? { retryReason } : {}),
        });
      } catch (error) {
        throw unwrapBoltError(error);
      }
    },
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const MALFORMED_EVENTS_API = "patchbay_malformed_events_api";

interface Frame {
  type?: unknown;
  payload?: { event?: unknown } | undefined;
  raw: Record<string, unknown>;
}

function parseFrame(data: unknown): Frame | undefined {
  const text =
    typeof data === "string" ? data : data instanceof ArrayBuffer ? new TextDecoder().decode(data) : "";
  try {
    const parsed: unknown = JSON.parse(text);
    if (!isObject(parsed)) return undefined;
    return { type: parsed.type, payload: isObject(parsed.payload) ? parsed.payload : undefined, raw: parsed };
  } catch {
    return undefined;
  }
}

export interface SocketTransportSettings {
  appToken: string;
  apiUrl: string;
  logger: Logger;
  secrets: readonly string[];
  clientPingTimeoutMs: number;
  serverPingTimeoutMs: number;
}

export interface SocketTransportHandlers {
  onEnvelope(envelope: SocketEnvelope): void;
  /** The WebSocket closed; `planned` when Slack asked for it with a `disconnect` message. */
  onClosed(planned: boolean): void;
}

/**
 * One Socket Mode connection. The SDK's own reconnect loop is off: the hub reconnects with core's
 * Backoff so it can report health and share one connection between accounts.
 */
export function createSocketTransport(
  settings: SocketTransportSettings,
  handlers: SocketTransportHandlers,
): SocketTransport {
  const client = new SocketModeClient({
    appToken: settings.appToken,
    logger: toSlackLogger(settings.logger, settings.secrets),
    autoReconnectEnabled: false,
    clientPingTimeout: settings.clientPingTimeoutMs,
    serverPingTimeout: settings.serverPingTimeoutMs,
    clientOptions: { slackApiUrl: settings.apiUrl, retryConfig: { retries: 0 } },
  });
  let planned = false;
  // Frames pass through a guard before the SDK sees them: the SDK reads `payload.event.type`
  // unchecked, so one malformed envelope would be an unhandled rejection (a crashed process).
  const sdkOnMessage = client.listeners("ws_message");
  client.removeAllListeners("ws_message");
  client.on("ws_message", (data: unknown, isBinary: unknown) => {
    const frame = parseFrame(data);
    if (frame?.type === "disconnect") planned = true;
    let forward = data;
    if (frame?.type === "events_api" && !isObject(frame.payload?.event)) {
      // Re-typed so the SDK emits it (with its ack) without dereferencing the missing event.
      forward = JSON.stringify({ ...frame.raw, type: MALFORMED_EVENTS_API });
    }
    for (const listener of sdkOnMessage) {
      Promise.resolve(listener(forward, isBinary)).catch((error: unknown) =>
        settings.logger.warn("Socket Mode frame could not be handled", { reason: show(error) }),
      );
    }
  });
  client.on("disconnected", () => {
    const wasPlanned = planned;
    planned = false;
    handlers.onClosed(wasPlanned);
  });
  client.on(
    "slack_event",
    (args: {
      ack: (payload?: unknown) => Promise<void>;
      type: string;
      body: unknown;
      retry_num?: number;
      retry_reason?: string;
    }) => {
      handlers.onEnvelope({
        type: args.type === MALFORMED_EVENTS_API ? "events_api" : args.type,
        body: args.body,
        retryNum: typeof args.retry_num === "number" ? args.retry_num : undefined,
        retryReason:
          typeof args.retry_reason === "string" && args.retry_reason !== "" ? args.retry_reason : undefined,
        ack: () => args.ack(),
      });
    },
  );
  return {
    async connect() {
      planned = false;
      await client.start();
    },
    async close() {
      await client.disconnect();
    },
  };
}
