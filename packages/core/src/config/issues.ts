import type { z } from "zod";
import type { ConfigIssue } from "../errors.js";
import { didYouMean } from "./did-you-mean.js";
import { isUnknownKeyParams } from "./strict.js";

export type PathSegment = string | number;

const PLAIN_KEY = /^[A-Za-z0-9_$*-]+$/;

/** `["bindings", 2, "match", "accountId"]` → `bindings[2].match.accountId`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else {
      const key = String(segment);
      if (PLAIN_KEY.test(key)) out += out ? `.${key}` : key;
      else out += `[${JSON.stringify(key)}]`;
    }
  }
  return out;
}

type ZodIssue = z.core.$ZodIssue;

function describeType(issue: ZodIssue): string {
  return issue.code === "invalid_type" ? issue.expected : "value";
}

/** The raw input at `path`, for messages zod does not carry (it does not report inputs by default). */
export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const segment of path) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

function withSuggestion(issue: ConfigIssue, input: unknown, values: readonly string[]): ConfigIssue {
  if (typeof input !== "string") return issue;
  const suggestion = didYouMean(input, values);
  if (!suggestion) return issue;
  return { ...issue, message: `${issue.message}; did you mean "${suggestion}"?`, didYouMean: suggestion };
}

/** Picks the union branch that got furthest: branches failing on the value's own type are dropped. */
function flattenUnion(
  issue: Extract<ZodIssue, { code: "invalid_union" }>,
  base: readonly PropertyKey[],
  root: unknown,
): ConfigIssue[] {
  if (issue.errors.length === 0) {
    return [{ path: formatPath(base), message: issue.message }];
  }
  const deeper = issue.errors.filter(
    (branch) => !branch.some((inner) => inner.code === "invalid_type" && inner.path.length === 0),
  );
  if (deeper.length === 0) {
    const expected = [...new Set(issue.errors.flat().map(describeType))];
    return [{ path: formatPath(base), message: `Expected ${expected.join(" or ")}` }];
  }
  const best = deeper.reduce((a, b) => (b.length < a.length ? b : a));
  return best.flatMap((inner) => toConfigIssues(inner, root, base));
}

/** Converts one zod issue (paths relative to `base`; `root` is the whole input) into ConfigIssues. */
export function toConfigIssues(
  issue: ZodIssue,
  root: unknown,
  base: readonly PropertyKey[] = [],
): ConfigIssue[] {
  const fullPath = [...base, ...issue.path];
  const path = formatPath(fullPath);
  if (issue.code === "custom" && isUnknownKeyParams(issue.params)) {
    const key = String(fullPath[fullPath.length - 1] ?? "");
    const suggestion = didYouMean(key, issue.params.allowedKeys);
    const hint = suggestion ? ` Did you mean "${suggestion}"?` : "";
    const result: ConfigIssue = {
      path,
      message: `Unknown key "${key}".${hint}`,
      allowedKeys: issue.params.allowedKeys,
    };
    if (suggestion) result.didYouMean = suggestion;
    return [result];
  }
  if (issue.code === "invalid_union") {
    if ("note" in issue && issue.note === "No matching discriminator") {
      const options = "options" in issue && Array.isArray(issue.options) ? issue.options.map(String) : [];
      const message = `Expected one of ${options.map((o) => JSON.stringify(o)).join(", ")}`;
      return [withSuggestion({ path, message }, valueAt(root, fullPath), options)];
    }
    return flattenUnion(issue, fullPath, root);
  }
  if (issue.code === "invalid_value") {
    const values = issue.values.map(String);
    const message = `Expected one of ${values.map((v) => JSON.stringify(v)).join(", ")}`;
    return [withSuggestion({ path, message }, valueAt(root, fullPath), values)];
  }
  if (issue.code === "invalid_type" && valueAt(root, fullPath) === undefined) {
    return [{ path, message: `Missing required key (expected ${issue.expected})` }];
  }
  return [{ path, message: issue.message }];
}
