import { createHash } from "node:crypto";

/** Longest readable part kept from the id; the hash suffix keeps names unique. */
const MAX_SLUG_LENGTH = 64;
/** 16 hex digits = 64 bits of SHA-256: collisions are out of reach for any realistic state dir. */
const HASH_LENGTH = 16;

/**
 * Turns any string (platform id, session key, store key) into a file name that is safe on every
 * filesystem: a readable slug of `[A-Za-z0-9_-]` plus `-` and a hash of the exact input.
 *
 * - No `.`, `/`, `\`, NUL or control character can appear, so `..` and path traversal are impossible.
 * - The hash covers the full input, so two ids that slug the same (`a/b`, `a:b`, `A:b` on a
 *   case-insensitive disk) still get different names.
 * - At most 81 ASCII bytes, well under the 255-byte limit, leaving room for an extension.
 *
 * Not reversible: stores keep the original id inside the file or in their index.
 */
export function safeFileName(id: string): string {
  const hash = createHash("sha256").update(id, "utf8").digest("hex").slice(0, HASH_LENGTH);
  const slug = id
    .replace(/[^A-Za-z0-9_-]+/g, "_")
    .replace(/_+/g, "_")
    .replace(/^[_-]+|[_-]+$/g, "")
    .slice(0, MAX_SLUG_LENGTH)
    .replace(/[_-]+$/, "");
  return slug === "" ? hash : `${slug}-${hash}`;
}

/** True when `name` is a single, harmless path segment (what `safeFileName` always produces). */
export function isSafeFileName(name: string): boolean {
  return /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,199}$/.test(name) && !name.includes("..");
}
