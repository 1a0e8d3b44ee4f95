import { signedHeaders, slackSignature } from "./wire.js";

/**
 * How an Events API request is signed: `valid`; `forged` (HMAC with a wrong secret); `stale` (valid
 * HMAC over a timestamp 10 minutes old); `future` (10 minutes ahead); `missing` (no signature headers).
 */
export type SignatureMode = "valid" | "forged" | "stale" | "future" | "missing";

/** The outcome of one Events API request to an app's HTTP endpoint. */
export interface HttpDelivery {
  via: "http";
  status: number;
  /** Response body as text (the challenge for url_verification). */
  body: string;
}

export interface SignedPostOptions {
  signingSecret: string;
  nowMs: number;
  signature?: SignatureMode;
  /** Adds `X-Slack-Retry-Num` / `X-Slack-Retry-Reason`, as Slack does on redelivery. */
  retryNum?: number;
  retryReason?: string;
}

const TEN_MINUTES_SEC = 600;

/** POSTs `rawBody` to `url` the way Slack's Events API does, signed as `options.signature` says. */
export async function postSignedEvent(
  url: string,
  rawBody: string,
  options: SignedPostOptions,
): Promise<HttpDelivery> {
  const mode = options.signature ?? "valid";
  const nowSec = Math.floor(options.nowMs / 1000);
  const timestamp =
    mode === "stale" ? nowSec - TEN_MINUTES_SEC : mode === "future" ? nowSec + TEN_MINUTES_SEC : nowSec;
  let headers: Record<string, string> = signedHeaders(options.signingSecret, rawBody, timestamp);
  if (mode === "forged") {
    headers["x-slack-signature"] = slackSignature(`${options.signingSecret}-forged`, timestamp, rawBody);
  }
  if (mode === "missing") headers = { "content-type": "application/json" };
  if (options.retryNum !== undefined && options.retryNum > 0) {
    headers["x-slack-retry-num"] = String(options.retryNum);
    headers["x-slack-retry-reason"] = options.retryReason ?? "http_timeout";
  }
  const response = await fetch(url, { method: "POST", headers, body: rawBody });
  return { via: "http", status: response.status, body: await response.text() };
}
