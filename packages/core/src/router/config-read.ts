/** Tolerant readers for the parts of an `openclaw.json` object the router uses. */

export type UnknownRecord = Record<string, unknown>;

/** The value as a plain record, or `undefined` for null, arrays and primitives. */
export function asRecord(value: unknown): UnknownRecord | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as UnknownRecord)
    : undefined;
}

/** `cfg.bindings` as an array (empty when missing or not an array). */
export function readBindings(cfg: unknown): readonly unknown[] {
  const bindings = asRecord(cfg)?.bindings;
  return Array.isArray(bindings) ? bindings : [];
}

/** `cfg.session` as a record (empty when missing). */
export function readSession(cfg: unknown): UnknownRecord {
  return asRecord(asRecord(cfg)?.session) ?? {};
}

/** Stringifies a role id exactly (no trimming): strings as-is, numbers and bigints via `String`. */
export function roleText(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  return undefined;
}
