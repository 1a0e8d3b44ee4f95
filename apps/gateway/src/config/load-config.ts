import { readFile } from "node:fs/promises";
import { ConfigError, type ConfigIssue, type PatchbayConfig, parseConfig } from "@patchbay/core";

export interface LoadedConfig {
  path: string;
  config: PatchbayConfig;
  warnings: ConfigIssue[];
}

/**
 * Reads and validates the JSON5 config at `path`. Every problem, including a missing or unreadable
 * file, becomes a ConfigError whose issues say what to fix.
 */
export async function loadConfigFile(
  path: string,
  options: { stateDir?: string } = {},
): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message =
      code === "ENOENT"
        ? `config file not found: ${path} (create it, pass --config PATH, or set PATCHBAY_CONFIG_PATH)`
        : `cannot read config file ${path}: ${code ?? String(error)}`;
    throw new ConfigError([{ path: "", message }]);
  }
  const { config, warnings } = parseConfig(text, options.stateDir ? { stateDir: options.stateDir } : {});
  return { path, config, warnings };
}

/** `path: message` lines, as the CLI and the gateway print them. */
export function formatIssues(issues: readonly ConfigIssue[]): string[] {
  return issues.map((issue) => {
    // The message already carries the did-you-mean; without one, the allowed keys are the fix.
    const allowed =
      issue.allowedKeys && !issue.didYouMean ? ` Allowed keys: ${issue.allowedKeys.join(", ")}.` : "";
    return `${issue.path || "(root)"}: ${issue.message}${allowed}`;
  });
}
