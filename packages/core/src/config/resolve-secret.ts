import { ConfigError } from "../errors.js";
import type { SecretInputValue } from "./schema-common.js";

/** Environment as the gateway passes it (usually `process.env`, merged with config `env`). */
export type EnvLike = Readonly<Record<string, string | undefined>>;

export interface ResolveSecretOptions {
  /** Config path of the value, used in error messages (e.g. `channels.telegram.botToken`). */
  path?: string;
  /** `secrets.providers` from the config, for `{ source: "file", provider }` references. */
  providers?: Readonly<Record<string, unknown>>;
  /**
   * Reads a file for `source: "file"` references. Core does no I/O, so the gateway injects this
   * (e.g. `(p) => readFileSync(p, "utf8")`); without it a file reference is a ConfigError.
   */
  readFile?: (path: string) => string;
}

function fail(path: string | undefined, message: string): never {
  throw new ConfigError([{ path: path ?? "", message }]);
}

function blankToUndefined(value: string): string | undefined {
  const trimmed = value.trim();
  return trimmed === "" ? undefined : trimmed;
}

/** Follows an RFC 6901 JSON pointer; undefined when any step is missing. */
function readPointer(document: unknown, pointer: string): unknown {
  if (pointer === "" || pointer === "/") return document;
  let current = document;
  for (const raw of pointer.replace(/^\//, "").split("/")) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function readProviderFile(
  provider: Record<string, unknown>,
  id: string,
  options: ResolveSecretOptions & { readFile: (path: string) => string },
): string | undefined {
  const file = provider.path;
  if (typeof file !== "string") fail(options.path, "secret provider has no path");
  const content = options.readFile(file);
  if (provider.mode === "singleValue" || id === "value") return blankToUndefined(content);
  let document: unknown;
  try {
    document = JSON.parse(content);
  } catch {
    fail(options.path, `secret provider file ${file} is not valid JSON`);
  }
  const value = readPointer(document, id);
  return typeof value === "string" ? blankToUndefined(value) : undefined;
}

/**
 * Resolves a SecretInput (spec §1.3): a literal string, `{ source: "env", id }` read from `env`, or
 * `{ source: "file", id, provider? }` read through `options.readFile` (a provider from
 * `secrets.providers` turns `id` into a JSON pointer into its file; otherwise `id` is the file path).
 * Returns undefined for a missing or blank input. Throws ConfigError naming the path and the variable
 * or file, never the secret value.
 */
export function resolveSecret(
  input: SecretInputValue | undefined,
  env: EnvLike,
  options: ResolveSecretOptions = {},
): string | undefined {
  if (input === undefined) return undefined;
  if (typeof input === "string") return blankToUndefined(input);
  const where = options.path ? ` (referenced by ${options.path})` : "";
  if (input.source === "env") {
    const value = env[input.id];
    if (value === undefined || value.trim() === "") {
      fail(options.path, `environment variable ${input.id} is not set${where}`);
    }
    return value.trim();
  }
  if (input.source === "file") {
    const readFile = options.readFile;
    if (!readFile)
      fail(options.path, `file secret ${input.id} cannot be read here: no file reader given${where}`);
    const provider = input.provider ? options.providers?.[input.provider] : undefined;
    let value: string | undefined;
    try {
      if (
        typeof provider === "object" &&
        provider !== null &&
        (provider as Record<string, unknown>).source === "file"
      ) {
        value = readProviderFile(provider as Record<string, unknown>, input.id, { ...options, readFile });
      } else value = blankToUndefined(readFile(input.id));
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      fail(options.path, `file secret ${input.id} could not be read${where}`);
    }
    if (value === undefined) fail(options.path, `file secret ${input.id} is empty or missing${where}`);
    return value;
  }
  return fail(options.path, `secret source "${input.source}" is not supported by Patchbay${where}`);
}
