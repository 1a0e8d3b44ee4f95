/**
 * Defensive readers for plain openclaw.json-shaped values. Compatibility functions never throw on
 * odd input, so every field read goes through these.
 */

/** A string, number or bigint as a trimmed string; anything else as "". */
export function toIdString(value: unknown): string {
  if (typeof value === "string") return value.trim();
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  if (typeof value === "bigint") return value.toString();
  return "";
}

/** The value as a plain record, or undefined. */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** An own property of a record (never one inherited from Object.prototype). */
export function own(record: Record<string, unknown> | undefined, key: string): unknown {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

/** The value when it is a boolean, else undefined. */
export function asBoolean(value: unknown): boolean | undefined {
  return typeof value === "boolean" ? value : undefined;
}

/** A list entry array: arrays as-is, a single string/number/bigint as a one-entry list, else []. */
export function asList(value: unknown): readonly unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === "string" || typeof value === "number" || typeof value === "bigint") return [value];
  return [];
}

/** Trimmed, stringified, de-duplicated entries (order kept); non-id entries dropped. */
export function normalizeEntries(value: unknown): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const entry of asList(value)) {
    const id = toIdString(entry);
    if (id === "" || seen.has(id)) continue;
    seen.add(id);
    out.push(id);
  }
  return out;
}
