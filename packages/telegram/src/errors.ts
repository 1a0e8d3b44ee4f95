import {
  ChannelAuthError,
  GatewayError,
  PartialSendError,
  PlatformError,
  RateLimitError,
  redactSecrets,
} from "@patchbay/core";

/** A Bot API error answer (`{ ok: false, error_code, description, parameters }`), SDK-neutral. */
export interface ApiFailure {
  method: string;
  errorCode: number;
  description: string;
  retryAfterSeconds?: number;
}

export interface ErrorContext {
  accountId: string;
  /** Secrets to scrub from any text that reaches an error (the bot token). */
  secrets: readonly string[];
  retryAfterUnitMs: number;
}

/**
 * Turns a Bot API error answer into our typed error. 401 means the token is wrong or revoked;
 * the message names the account and what to do, never the token.
 */
export function fromApiFailure(failure: ApiFailure, ctx: ErrorContext): GatewayError {
  const description = redactSecrets(failure.description, ctx.secrets);
  const where = { channel: "telegram", accountId: ctx.accountId };
  if (failure.errorCode === 401) {
    return new ChannelAuthError(
      "telegram",
      ctx.accountId,
      `Telegram refused the bot token of account "${ctx.accountId}" (401 Unauthorized on ${failure.method}); ` +
        "the token is wrong or was revoked: set a new one from @BotFather in its botToken or tokenFile",
    );
  }
  if (failure.errorCode === 429) {
    const retryAfterMs = (failure.retryAfterSeconds ?? 1) * ctx.retryAfterUnitMs;
    return new RateLimitError(
      retryAfterMs,
      `Telegram rate limit on ${failure.method} for account "${ctx.accountId}" (retry after ${failure.retryAfterSeconds ?? 1} s)`,
      where,
    );
  }
  return new PlatformError(`Telegram ${failure.method} failed (${failure.errorCode}: ${description})`, {
    ...where,
    method: failure.method,
    status: failure.errorCode,
  });
}

/**
 * A request that got no Bot API answer (refused connection, dropped socket, a non-JSON 502 page).
 * The SDK's own error is not attached as `cause`: its message can carry the request URL, and
 * Telegram puts the token in the URL. Only a redacted summary survives.
 */
export function fromNetworkFailure(method: string, cause: unknown, ctx: ErrorContext): GatewayError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new GatewayError(
    "CONNECTION_FAILED",
    `Telegram ${method} request failed for account "${ctx.accountId}": ${redactSecrets(detail, ctx.secrets)}`,
    { channel: "telegram", accountId: ctx.accountId },
  );
}

/** The failure behind a send error: a partial send's cause, else the error itself. */
export function sendFailureOf(error: unknown): unknown {
  return error instanceof PartialSendError ? error.cause : error;
}

/** Thrown into pending work when the channel stops. */
export function stoppedError(accountId: string): GatewayError {
  return new GatewayError("CONNECTION_FAILED", `telegram account "${accountId}" is stopped`, {
    channel: "telegram",
    accountId,
  });
}

/** The token was refused. (A plain boolean: ChannelAuthError is structurally a GatewayError.) */
export function isAuthError(error: unknown): boolean {
  return error instanceof ChannelAuthError;
}

/** Telegram refused the formatting (`can't parse entities`); the text can be resent as plain. */
export function isEntityParseError(error: unknown): boolean {
  return (
    error instanceof PlatformError && error.status === 400 && /can't parse entities/i.test(error.message)
  );
}

/** Another getUpdates consumer or an active webhook holds this token (HTTP 409). */
export function isConflictError(error: unknown): boolean {
  return error instanceof PlatformError && error.status === 409;
}

/** Failures worth retrying: the platform or the network, not our request. */
export function isTransientError(error: unknown): boolean {
  if (error instanceof RateLimitError) return true;
  if (error instanceof PlatformError) return error.status === undefined || error.status >= 500;
  return error instanceof GatewayError && error.code === "CONNECTION_FAILED";
}
