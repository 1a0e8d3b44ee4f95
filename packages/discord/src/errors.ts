import { ChannelAuthError, GatewayError, PlatformError, RateLimitError, redactSecrets } from "@patchbay/core";

/** Gateway close codes after which reconnecting cannot help (Discord's docs). */
export const FATAL_CLOSE_CODES: ReadonlyMap<number, string> = new Map([
  [4004, "authentication failed"],
  [4010, "invalid shard"],
  [4011, "sharding required"],
  [4012, "invalid API version"],
  [4013, "invalid intents"],
  [4014, "disallowed intents"],
]);

export interface ErrorContext {
  accountId: string;
  /** Secrets to scrub from any message (the bot token). */
  secrets: readonly string[];
}

const CHANNEL = "discord";

/** The operator-facing explanation for a fatal gateway close, naming the account. */
export function fatalCloseError(code: number, context: ErrorContext): GatewayError {
  const account = `Discord account "${context.accountId}"`;
  if (code === 4004) {
    return new ChannelAuthError(
      CHANNEL,
      context.accountId,
      `${account}: the gateway rejected the bot token (close 4004). Reset the token in the Discord developer portal and update channels.discord.accounts.${context.accountId}.token; not retrying.`,
    );
  }
  if (code === 4014) {
    return new ChannelAuthError(
      CHANNEL,
      context.accountId,
      `${account}: Discord refused the Message Content intent (close 4014). Enable "Message Content Intent" under Bot → Privileged Gateway Intents in the Discord developer portal; not retrying.`,
    );
  }
  const what = FATAL_CLOSE_CODES.get(code) ?? "unrecoverable close";
  return new GatewayError(
    "CONNECTION_FAILED",
    `${account}: the gateway closed with ${code} (${what}); not retrying.`,
    {
      channel: CHANNEL,
      accountId: context.accountId,
    },
  );
}

const field = (value: unknown, key: string): unknown =>
  typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;

/**
 * The one place discord.js errors become Patchbay errors. discord.js is only imported by
 * client.ts, so its error classes are recognised by shape (name and fields) rather than instanceof.
 */
export function toDiscordError(error: unknown, context: ErrorContext, action: string): GatewayError {
  if (error instanceof GatewayError) return error;
  const clean = (text: string) => redactSecrets(text, context.secrets);
  const name = String(field(error, "name") ?? "");
  const message = clean(error instanceof Error ? error.message : String(error));
  const status = field(error, "status");
  const method = field(error, "method");
  const where = { channel: CHANNEL, accountId: context.accountId, cause: error };
  const account = `Discord account "${context.accountId}"`;

  if (field(error, "code") === "TokenInvalid" || status === 401) {
    return new ChannelAuthError(
      CHANNEL,
      context.accountId,
      `${account}: the bot token was refused (401) while trying to ${action}. Update channels.discord.accounts.${context.accountId}.token.`,
      { cause: error },
    );
  }
  if (name.startsWith("RateLimitError")) {
    const retryAfter = Number(field(error, "retryAfter") ?? field(error, "timeToReset") ?? 0);
    return new RateLimitError(
      retryAfter,
      `${account}: rate limited while trying to ${action}; retry in ${retryAfter} ms`,
      where,
    );
  }
  if (name.startsWith("DiscordAPIError") || name === "HTTPError") {
    const options = {
      ...where,
      ...(typeof method === "string" ? { method: method.toUpperCase() } : {}),
      ...(typeof status === "number" ? { status } : {}),
    };
    return new PlatformError(
      `${account}: Discord answered ${String(status)} while trying to ${action}: ${message}`,
      options,
    );
  }
  if (name === "AbortError" || name === "TimeoutError") {
    return new GatewayError(
      "TIMEOUT",
      `${account}: Discord did not answer in time while trying to ${action}`,
      where,
    );
  }
  if (/Not enough sessions remaining/i.test(message)) {
    const resetsAt = Date.parse(message.match(/resets at (\S+)/)?.[1] ?? "");
    const retryAfterMs = Number.isNaN(resetsAt) ? 0 : Math.max(0, resetsAt - Date.now());
    return new RateLimitError(
      retryAfterMs,
      `${account}: the daily gateway identify budget is spent (${message})`,
      where,
    );
  }
  const code = field(field(error, "cause"), "code") ?? field(error, "code");
  if (
    typeof code === "string" &&
    /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|UND_ERR_\w+)$/.test(code)
  ) {
    return new GatewayError(
      "CONNECTION_FAILED",
      `${account}: cannot reach Discord while trying to ${action} (${code})`,
      where,
    );
  }
  return new GatewayError("INTERNAL", `${account}: failed to ${action}: ${message}`, where);
}

/** Login is a connection attempt: an error nobody classified means the gateway could not be reached. */
export function loginFailure(error: GatewayError, accountId: string): GatewayError {
  if (error.code !== "INTERNAL") return error;
  return new GatewayError(
    "CONNECTION_FAILED",
    `Discord account "${accountId}": could not connect to the gateway (${error.message})`,
    {
      channel: CHANNEL,
      accountId,
      cause: error,
    },
  );
}
