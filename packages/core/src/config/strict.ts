import { z } from "zod";

/** Marker in a zod issue's `params` for a key the schema does not know. */
export const UNKNOWN_KEY_MARK = "patchbay_unknown_key";

export interface UnknownKeyParams {
  mark: typeof UNKNOWN_KEY_MARK;
  allowedKeys: string[];
}

export function isUnknownKeyParams(value: unknown): value is UnknownKeyParams {
  if (typeof value !== "object" || value === null) return false;
  const params = value as Record<string, unknown>;
  return params.mark === UNKNOWN_KEY_MARK && Array.isArray(params.allowedKeys);
}

/**
 * A strict object whose unknown keys are reported one by one, each carrying the keys allowed at that
 * place (zod's own `unrecognized_keys` issue does not say what was allowed, so "did you mean" would be
 * impossible). Typed as a plain strict object: the catchall only ever adds issues.
 */
export function strictObject<T extends z.ZodRawShape>(shape: T): z.ZodObject<T, z.core.$strict> {
  const allowedKeys = Object.keys(shape).sort();
  const unknownKey = z.unknown().superRefine((_value, ctx) => {
    ctx.addIssue({
      code: "custom",
      message: "Unknown key",
      params: { mark: UNKNOWN_KEY_MARK, allowedKeys } satisfies UnknownKeyParams,
    });
  });
  return z.object(shape).catchall(unknownKey) as unknown as z.ZodObject<T, z.core.$strict>;
}

type LooseShape<K extends string> = { [P in K]: z.ZodOptional<z.ZodUnknown> };

/**
 * Strict about which keys exist, loose about their values. Used for OpenClaw subtrees Patchbay does
 * not act on (streaming, actions, sandbox details, …): a typo is still caught, but a value shape that
 * changed between OpenClaw releases is not our business.
 */
export function knownKeys<const K extends string>(keys: readonly K[]): LooseShape<K> {
  const shape: Record<string, z.ZodOptional<z.ZodUnknown>> = {};
  for (const key of keys) shape[key] = z.unknown().optional();
  return shape as LooseShape<K>;
}

/** An object whose content is not modelled at all (plugin-owned or free-form sections). */
export const looseRecord = z.record(z.string(), z.unknown());
