import JSON5 from "json5";
import { ConfigError, type ConfigIssue } from "../errors.js";
import { checkChannels } from "./check-access.js";
import { checkAccessGroups } from "./check-access-groups.js";
import { type CheckContext, checkAgents } from "./check-agents.js";
import { checkBindings } from "./check-bindings.js";
import { toConfigIssues } from "./issues.js";
import { PatchbayConfig } from "./schema.js";

export interface ConfigResult {
  /** The validated config, exactly as written (no defaults filled in). */
  config: PatchbayConfig;
  /** Things that load but probably do not do what the author meant. */
  warnings: ConfigIssue[];
}

export interface ValidateOptions {
  /** State dir used to resolve default agentDirs when checking for sharing (default `~/.patchbay`). */
  stateDir?: string;
  /** Expands `~` in configured agentDirs before comparing them. */
  homeDir?: string;
}

/**
 * Validates an already-parsed value: the zod schema (unknown keys with allowed keys and "did you
 * mean"), then the semantic checks. Throws ConfigError with every error; returns the warnings.
 */
export function validateConfig(value: unknown, options: ValidateOptions = {}): ConfigResult {
  const parsed = PatchbayConfig.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.flatMap((issue) => toConfigIssues(issue, value));
    throw new ConfigError(dedupe(issues));
  }
  const ctx: CheckContext = {
    config: parsed.data,
    errors: [],
    warnings: [],
    stateDir: options.stateDir ?? "~/.patchbay",
    homeDir: options.homeDir,
  };
  checkAgents(ctx);
  checkBindings(ctx);
  checkChannels(ctx);
  checkAccessGroups(ctx);
  if (ctx.errors.length > 0) throw new ConfigError(ctx.errors);
  return { config: parsed.data, warnings: ctx.warnings };
}

/**
 * Parses JSON5 text (comments, trailing commas, unquoted keys) and validates it. A syntax error is a
 * ConfigError whose single issue gives the line and column.
 */
export function parseConfig(text: string, options: ValidateOptions = {}): ConfigResult {
  let value: unknown;
  try {
    value = JSON5.parse(text);
  } catch (error) {
    const detail = (error instanceof Error ? error.message : String(error))
      .replace(/^JSON5: /, "")
      .replace(/ at \d+:\d+$/, "");
    const position = error as { lineNumber?: unknown; columnNumber?: unknown };
    const at =
      typeof position.lineNumber === "number" && typeof position.columnNumber === "number"
        ? ` at line ${position.lineNumber}, column ${position.columnNumber}`
        : "";
    const message = `JSON5 syntax error${at}: ${detail}`;
    throw new ConfigError([{ path: "", message }], { cause: error });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ConfigError([{ path: "", message: "The config must be a JSON5 object" }]);
  }
  return validateConfig(value, options);
}

function dedupe(issues: ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${issue.path}\u0000${issue.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
