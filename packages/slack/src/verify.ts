import { createHmac, timingSafeEqual } from "node:crypto";

/** Slack's replay window: a request timestamp more than 5 minutes from now is refused. */
export const SIGNATURE_TOLERANCE_SEC = 300;

export type SignatureCheck =
  | { ok: true }
  | { ok: false; reason: "missing headers" | "stale timestamp" | "bad signature" };

export interface SignatureInput {
  signingSecret: string;
  /** The body exactly as received: the signature covers the raw bytes. */
  rawBody: string;
  /** `X-Slack-Request-Timestamp` (unix seconds). */
  timestamp: string | undefined;
  /** `X-Slack-Signature` (`v0=<hex>`). */
  signature: string | undefined;
  nowMs: number;
}

/**
 * Verifies a request against Slack's v0 signing scheme: HMAC-SHA256 of `v0:<timestamp>:<body>`
 * with the app's signing secret, compared in constant time, and a timestamp within 5 minutes of
 * now in either direction (the Bolt helper only refuses old ones).
 */
export function verifySlackSignature(input: SignatureInput): SignatureCheck {
  const { timestamp, signature } = input;
  if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp))
    return { ok: false, reason: "missing headers" };
  const skew = Math.abs(Math.floor(input.nowMs / 1000) - Number(timestamp));
  if (skew > SIGNATURE_TOLERANCE_SEC) return { ok: false, reason: "stale timestamp" };
  const match = /^v0=([0-9a-f]{64})$/.exec(signature);
  if (!match) return { ok: false, reason: "bad signature" };
  const expected = createHmac("sha256", input.signingSecret)
    .update(`v0:${timestamp}:${input.rawBody}`)
    .digest();
  const given = Buffer.from(match[1] as string, "hex");
  return given.length === expected.length && timingSafeEqual(given, expected)
    ? { ok: true }
    : { ok: false, reason: "bad signature" };
}
