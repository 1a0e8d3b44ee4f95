import type { PeerKind } from "../envelope.js";

/** The agent used when nothing else names one (spec §1.1). */
export const DEFAULT_AGENT_ID = "main";
/** The account id of an unnamed account (spec §2.6). */
export const DEFAULT_ACCOUNT_ID = "default";

const MAX_ID_LENGTH = 64;
const VALID_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/i;
const INVALID_RUNS = /[^a-z0-9_-]+/g;
const EDGE_DASHES = /^-+|-+$/g;
// Account ids become object keys in OpenClaw's stores; these would poison a plain object.
const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

/**
 * Turns any id-like value into trimmed text: strings are trimmed, numbers and bigints stringified,
 * everything else (null, undefined, objects) becomes `""`. Never throws.
 */
export function normalizePeerId(value: unknown): string {
  if (typeof value === "string") return value.trim();
  if (typeof value === "number" || typeof value === "bigint") return String(value).trim();
  return "";
}

/** True when `id` is already a valid, lowercase id: the common case, checked without a regex. */
function isCanonicalId(id: string): boolean {
  const length = id.length;
  if (length === 0 || length > MAX_ID_LENGTH) return false;
  for (let i = 0; i < length; i++) {
    const code = id.charCodeAt(i);
    const alnum = (code >= 97 && code <= 122) || (code >= 48 && code <= 57);
    if (!alnum && (i === 0 || (code !== 45 && code !== 95))) return false;
  }
  return true;
}

function normalizeIdToken(value: unknown, fallback: string): string {
  if (typeof value === "string" && isCanonicalId(value)) return value;
  const trimmed = normalizePeerId(value);
  if (trimmed === "") return fallback;
  if (VALID_ID.test(trimmed)) return trimmed.toLowerCase();
  const cleaned = trimmed
    .toLowerCase()
    .replace(INVALID_RUNS, "-")
    .replace(EDGE_DASHES, "")
    .slice(0, MAX_ID_LENGTH);
  return cleaned === "" ? fallback : cleaned;
}

/**
 * Normalises an agent id (spec §2.6): trimmed and lowercased; runs of characters outside
 * `[a-z0-9_-]` become `-`, edge dashes are stripped, the result is cut to 64 characters, and an
 * empty result is `main`. `"My Agent!"` → `"my-agent"`.
 */
export function normalizeAgentId(value: unknown): string {
  return normalizeIdToken(value, DEFAULT_AGENT_ID);
}

/**
 * Normalises an account id like {@link normalizeAgentId}, but an empty result (and the
 * prototype-ish keys `__proto__`, `constructor`, `prototype`, any case) is `default`. Leading
 * underscores are kept: `"_prod_us"` stays. `" Prod/US East "` → `"prod-us-east"`.
 */
export function normalizeAccountId(value: unknown): string {
  const id = normalizeIdToken(value, DEFAULT_ACCOUNT_ID);
  return PROTOTYPE_KEYS.has(id) ? DEFAULT_ACCOUNT_ID : id;
}

/** Normalises a channel name the way the router does: trim + lowercase; non-strings become `""`. */
export function normalizeChannelId(value: unknown): string {
  return typeof value === "string" ? value.trim().toLowerCase() : "";
}

/**
 * Normalises a peer kind: trim + lowercase, `dm` → `direct`, `supergroup` → `group`. An unknown kind
 * is returned lowercased as given; a missing or non-string kind is `""`.
 */
export function normalizePeerKind(value: unknown): string {
  if (typeof value !== "string") return "";
  const kind = value.trim().toLowerCase();
  if (kind === "dm") return "direct";
  if (kind === "supergroup") return "group";
  return kind;
}

/** Whether a normalised kind is one the router can match (`direct`, `group`, `channel`). */
export function isKnownPeerKind(kind: string): kind is PeerKind {
  return kind === "direct" || kind === "group" || kind === "channel";
}

/** Peer kinds compare with `group` ≈ `channel` (spec §2.4). */
export function peerKindsMatch(a: string, b: string): boolean {
  if (a === b) return isKnownPeerKind(a);
  return (a === "group" || a === "channel") && (b === "group" || b === "channel");
}
