import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "@patchbay/core";

/** The workspace files that make up an agent's system prompt, in this order. */
export const WORKSPACE_PROMPT_FILES = ["SOUL.md", "AGENTS.md", "USER.md"] as const;

/** Long files are cut, so one runaway file cannot blow the context window. */
const MAX_FILE_CHARS = 20_000;

/**
 * Reads SOUL.md, AGENTS.md and USER.md from `workspaceDir` (those present and non-empty) and
 * joins them under `## <file>` headings. Missing files, or no workspace, give "".
 */
export async function loadWorkspacePrompt(
  workspaceDir: string | undefined,
  logger?: Logger,
): Promise<string> {
  if (!workspaceDir) return "";
  const parts: string[] = [];
  for (const name of WORKSPACE_PROMPT_FILES) {
    let text: string;
    try {
      text = await readFile(join(workspaceDir, name), "utf8");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "ENOENT" && code !== "ENOTDIR")
        logger?.warn("cannot read workspace file", { file: name, code });
      continue;
    }
    text = text.trim();
    if (text === "") continue;
    if (text.length > MAX_FILE_CHARS) text = `${text.slice(0, MAX_FILE_CHARS)}\n…(truncated)`;
    parts.push(`## ${name}\n\n${text}`);
  }
  return parts.join("\n\n");
}
