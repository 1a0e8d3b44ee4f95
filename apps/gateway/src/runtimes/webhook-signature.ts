import { createHmac, timingSafeEqual } from "node:crypto";

/** The header carrying the signature: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
export const SIGNATURE_HEADER = "x-patchbay-signature";

/** Signs a webhook body; `timestampSec` is Unix time in seconds. */
export function signWebhookBody(secret: string, body: string, timestampSec: number): string {
  const mac = createHmac("sha256", secret).update(`${timestampSec}.${body}`).digest("hex");
  return `t=${timestampSec},v1=${mac}`;
}

export interface VerifyWebhookOptions {
  secret: string;
  /** The `X-Patchbay-Signature` header value. */
  header: string | undefined;
  /** The raw request body, exactly as received. */
  body: string;
  /** Accepted clock skew (and replay window), default 300 s. */
  toleranceSec?: number;
  /** ms since the epoch. */
  now?: () => number;
}

/**
 * Checks a signature made by {@link signWebhookBody}, for agents written in TypeScript and for
 * tests. Constant-time comparison; a timestamp outside the tolerance fails.
 */
export function verifyWebhookSignature(options: VerifyWebhookOptions): boolean {
  const parts = new Map<string, string>();
  for (const piece of (options.header ?? "").split(",")) {
    const at = piece.indexOf("=");
    if (at > 0) parts.set(piece.slice(0, at).trim(), piece.slice(at + 1).trim());
  }
  const t = Number(parts.get("t"));
  const given = parts.get("v1");
  if (!Number.isInteger(t) || !given || !/^[0-9a-f]{64}$/.test(given)) return false;
  const nowSec = Math.floor((options.now ?? Date.now)() / 1000);
  if (Math.abs(nowSec - t) > (options.toleranceSec ?? 300)) return false;
  const expected = createHmac("sha256", options.secret).update(`${t}.${options.body}`).digest();
  return timingSafeEqual(expected, Buffer.from(given, "hex"));
}
