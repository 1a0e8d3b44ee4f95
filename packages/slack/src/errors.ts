import {
  ChannelAuthError,
  GatewayError,
  PlatformError,
  RateLimitError,
  redactSecrets,
  toGatewayError,
} from "@patchbay/core";

/**
 * Slack answers a refused credential with one of these `error` strings (HTTP 200, `ok:false`).
 * Any of them means the account needs a new token; retrying cannot help.
 */
export const SLACK_AUTH_ERRORS: ReadonlySet<string> = new Set([
  "invalid_auth",
  "not_authed",
  "account_inactive",
  "token_revoked",
  "token_expired",
  "team_disabled",
  "user_removed_from_team",
  "not_allowed_token_type",
]);

function field(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/** The Web API's `error` string (`invalid_auth`, `channel_not_found`, …) of an SDK error, if any. */
export function slackErrorCode(error: unknown): string | undefined {
  if (field(error, "code") !== "slack_webapi_platform_error") return undefined;
  const code = field(field(error, "data"), "error");
  return typeof code === "string" ? code : undefined;
}

/** Seconds from `Retry-After` when the SDK refused a call as rate limited. */
export function retryAfterSeconds(error: unknown): number | undefined {
  if (field(error, "code") !== "slack_webapi_rate_limited_error") return undefined;
  const seconds = field(error, "retryAfter");
  return typeof seconds === "number" && Number.isFinite(seconds) ? seconds : undefined;
}

export function isAuthFailure(error: unknown): boolean {
  if (error instanceof ChannelAuthError) return true;
  const code = slackErrorCode(error);
  return code !== undefined && SLACK_AUTH_ERRORS.has(code);
}

export interface ErrorContext {
  accountId: string;
  /** Web API method, e.g. `chat.postMessage`. */
  method: string;
  /** Which credential the call used, for the operator: "bot token" or "app-level token". */
  credential: "bot token" | "app-level token";
  /** Secrets to scrub from any message. */
  secrets: readonly string[];
}

/** The account's config path, named in errors so the operator knows what to fix. */
export function configPath(accountId: string, credential: ErrorContext["credential"]): string {
  return `channels.slack.accounts.${accountId}.${credential === "bot token" ? "botToken" : "appToken"}`;
}

/** An auth failure as the gateway shows it: names the account and credential, never the token. */
export function authError(
  context: Omit<ErrorContext, "secrets">,
  code: string,
  cause?: unknown,
): ChannelAuthError {
  return new ChannelAuthError(
    "slack",
    context.accountId,
    `Slack account "${context.accountId}": the ${context.credential} was refused (${code}) by ${context.method}. ` +
      `Set a valid token in ${configPath(context.accountId, context.credential)}.`,
    cause === undefined ? {} : { cause },
  );
}

/** Turns any SDK error into a typed GatewayError with the account named and secrets scrubbed. */
export function toSlackError(error: unknown, context: ErrorContext): GatewayError {
  if (error instanceof GatewayError) return error;
  const code = slackErrorCode(error);
  const scope = { channel: "slack", accountId: context.accountId };
  if (code !== undefined && SLACK_AUTH_ERRORS.has(code)) return authError(context, code, error);
  const retryAfter = retryAfterSeconds(error);
  if (retryAfter !== undefined) {
    return new RateLimitError(
      retryAfter * 1000,
      `Slack account "${context.accountId}": ${context.method} rate limited, retry after ${retryAfter} s`,
      { ...scope, cause: error },
    );
  }
  if (code !== undefined) {
    return new PlatformError(`Slack account "${context.accountId}": ${context.method} failed: ${code}`, {
      ...scope,
      method: context.method,
      status: 200,
      cause: error,
    });
  }
  const errorCode = field(error, "code");
  if (errorCode === "slack_webapi_http_error") {
    const status = field(error, "statusCode");
    return new PlatformError(
      `Slack account "${context.accountId}": ${context.method} failed with HTTP ${String(status)}`,
      { ...scope, method: context.method, ...(typeof status === "number" ? { status } : {}), cause: error },
    );
  }
  const message = redactSecrets(error instanceof Error ? error.message : String(error), context.secrets);
  if (errorCode === "slack_webapi_request_error") {
    return new GatewayError(
      "CONNECTION_FAILED",
      `Slack account "${context.accountId}": ${context.method} could not reach Slack: ${message}`,
      { ...scope, cause: error },
    );
  }
  const generic = toGatewayError(error);
  return new GatewayError(
    generic.code,
    `Slack account "${context.accountId}": ${context.method}: ${message}`,
    {
      ...scope,
      cause: error,
    },
  );
}
