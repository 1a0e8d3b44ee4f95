/** Every error code Patchbay raises; callers switch on `code`, never on message text. */
export type GatewayErrorCode =
  | "CONFIG_INVALID"
  | "AUTH_FAILED"
  | "RATE_LIMITED"
  | "NOT_SUPPORTED"
  | "ACCOUNT_MISMATCH"
  | "PLATFORM_ERROR"
  | "CONNECTION_FAILED"
  | "CONNECTION_REPLACED"
  | "UNTRUSTED_SERVER"
  | "TIMEOUT"
  | "AGENT_FAILED"
  | "STATE_ERROR"
  | "INTERNAL";

export interface GatewayErrorOptions {
  cause?: unknown;
  channel?: string;
  accountId?: string;
}

export class GatewayError extends Error {
  readonly code: GatewayErrorCode;
  readonly channel: string | undefined;
  readonly accountId: string | undefined;

  constructor(code: GatewayErrorCode, message: string, options: GatewayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.channel = options.channel;
    this.accountId = options.accountId;
  }
}

export interface ConfigIssue {
  /** Where in the file, e.g. `bindings[2].match.accountId`; empty for the root. */
  path: string;
  message: string;
  /** For an unknown key: the keys allowed at that place. */
  allowedKeys?: string[];
  /** For an unknown key or bad value: the closest allowed spelling. */
  didYouMean?: string;
}

export class ConfigError extends GatewayError {
  readonly issues: ConfigIssue[];

  constructor(issues: ConfigIssue[], options: GatewayErrorOptions = {}) {
    const lines = issues.map((issue) => `${issue.path || "(root)"}: ${issue.message}`);
    super("CONFIG_INVALID", `Invalid config:\n${lines.join("\n")}`, options);
    this.issues = issues;
  }
}

/** The platform refused the account's credentials; the account needs a new token or login. */
export class ChannelAuthError extends GatewayError {
  constructor(channel: string, accountId: string, message: string, options: { cause?: unknown } = {}) {
    super("AUTH_FAILED", message, { ...options, channel, accountId });
  }
}

export class RateLimitError extends GatewayError {
  readonly retryAfterMs: number;

  constructor(retryAfterMs: number, message: string, options: GatewayErrorOptions = {}) {
    super("RATE_LIMITED", message, options);
    this.retryAfterMs = retryAfterMs;
  }
}

export class NotSupportedError extends GatewayError {
  readonly feature: string;

  constructor(feature: string, options: GatewayErrorOptions = {}) {
    super("NOT_SUPPORTED", `${feature} is not supported`, options);
    this.feature = feature;
  }
}

/** A platform API call failed; keeps the method and status the way grammY's GrammyError does. */
export class PlatformError extends GatewayError {
  readonly method: string | undefined;
  readonly status: number | undefined;

  constructor(message: string, options: GatewayErrorOptions & { method?: string; status?: number } = {}) {
    super("PLATFORM_ERROR", message, options);
    this.method = options.method;
    this.status = options.status;
  }
}

/**
 * A reply in several parts failed after some of them went out. `sentIds` are the platform ids of
 * the parts that were delivered, so the caller can record a partial delivery instead of losing
 * them (and a retry need not send them twice). `code` is the failure's; `cause` is the failure.
 */
export class PartialSendError extends GatewayError {
  readonly sentIds: readonly string[];

  constructor(sentIds: readonly string[], parts: number, failure: GatewayError) {
    super(failure.code, `${failure.message} (after ${sentIds.length} of ${parts} parts were sent)`, {
      cause: failure,
      ...(failure.channel !== undefined ? { channel: failure.channel } : {}),
      ...(failure.accountId !== undefined ? { accountId: failure.accountId } : {}),
    });
    this.sentIds = [...sentIds];
  }
}

/** The one choke point that turns any thrown value into a GatewayError. */
export function toGatewayError(value: unknown): GatewayError {
  if (value instanceof GatewayError) return value;
  if (value instanceof Error) return new GatewayError("INTERNAL", value.message, { cause: value });
  return new GatewayError("INTERNAL", `Non-error thrown: ${String(value)}`, { cause: value });
}
