import { copyFile, mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import {
  ConfigError,
  listAgentIds,
  normalizeAgentId,
  resolveAgentPaths,
  resolveDefaultAgentId,
  validateConfig,
} from "@patchbay/core";
import JSON5 from "json5";
import { writeFileAtomic } from "../../fs/index.js";
import { resolvePaths } from "../../paths.js";
import { commonFlags, parseFlags } from "../args.js";
import { CliError, type CliIo, printJson } from "../io.js";

const USAGE =
  "patchbay agents add <id> [--name NAME] [--workspace DIR] [--model MODEL] [--emoji E] [--default] [--runtime echo|openai] [--base-url URL] [--api-key-env VAR] [--config PATH] [--json]";

const STARTERS: Record<string, (name: string) => string> = {
  "SOUL.md": (name) => `# ${name}\n\nWho you are: your voice, your values, how you talk to people.\n`,
  "AGENTS.md": (name) =>
    `# How ${name} works\n\nRules for this agent: what it does, what it never does, how it answers in groups.\n`,
  "USER.md": () => "# About the user\n\nWhat this agent should know about the people it talks to.\n",
};

/**
 * Creates an agent: the workspace with starter SOUL.md / AGENTS.md / USER.md (existing files are
 * kept), the agent dir, the sessions dir, and the entry in the config. The rewritten config is
 * validated first and the previous file is kept as `<config>.bak`.
 */
export async function agentsAdd(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(
    argv,
    {
      ...commonFlags,
      name: { type: "string" },
      workspace: { type: "string" },
      model: { type: "string" },
      emoji: { type: "string" },
      default: { type: "boolean", default: false },
      runtime: { type: "string" },
      "base-url": { type: "string" },
      "api-key-env": { type: "string" },
    },
    USAGE,
  );
  const rawId = positionals[0];
  if (!rawId) throw new CliError(`an agent id is required\nUsage: ${USAGE}`, 2);
  const id = normalizeAgentId(rawId);
  const { configPath, stateDir } = resolvePaths({ config: values.config }, io.env);

  const existing = await readConfigText(configPath);
  const config = parseExisting(existing, configPath);
  if (listAgentIds(config as never).includes(id))
    throw new CliError(`agent "${id}" already exists in ${configPath}`);

  const ask = async (question: string, fallback: string | undefined) => {
    if (!io.interactive || !io.prompt) return fallback;
    const answer = (await io.prompt(`${question}${fallback ? ` [${fallback}]` : ""}: `)).trim();
    return answer === "" ? fallback : answer;
  };
  const name = values.name ?? (await ask("Display name", rawId));
  const model = values.model ?? (await ask("Model (blank for none)", undefined));
  const runtimeType = values.runtime ?? "echo";
  if (runtimeType !== "echo" && runtimeType !== "openai") {
    throw new CliError(
      `--runtime must be echo or openai (edit the config for webhook or command runtimes)`,
      2,
    );
  }
  const entry: Record<string, unknown> = { id };
  if (name) entry.name = name;
  if (values.workspace) entry.workspace = values.workspace;
  if (model) entry.model = model;
  if (values.default) entry.default = true;
  if (values.emoji) entry.identity = { ...(name ? { name } : {}), emoji: values.emoji };
  if (runtimeType === "openai") {
    if (!values["base-url"] || !values["api-key-env"]) {
      throw new CliError(
        "--runtime openai needs --base-url URL and --api-key-env VAR (the key stays in the environment)",
        2,
      );
    }
    entry.runtime = {
      type: "openai",
      baseUrl: values["base-url"],
      apiKey: { source: "env", id: values["api-key-env"] },
    };
  }
  config.agents ??= {};
  const agents = config.agents;
  const before = agents.list ?? [];
  // With no agents.list the default agent is implicit ("main"); listing only the new agent would
  // silently make it the default and orphan the old one's sessions, so keep the old one listed.
  const implicitDefault = resolveDefaultAgentId(config as never);
  const keep =
    before.length === 0 && !values.default && implicitDefault !== id ? [{ id: implicitDefault }] : [];
  agents.list = [...keep, ...before, entry];

  try {
    validateConfig(config, { stateDir });
  } catch (error) {
    if (error instanceof ConfigError) {
      throw new CliError(
        `the config would not be valid after adding "${id}":\n${error.issues.map((i) => `  ${i.path}: ${i.message}`).join("\n")}`,
      );
    }
    throw error;
  }

  const paths = resolveAgentPaths(config as never, id, { stateDir });
  for (const dir of [paths.workspace, paths.agentDir, paths.sessionsDir])
    await mkdir(dir, { recursive: true, mode: 0o700 });
  const created: string[] = [];
  for (const [file, body] of Object.entries(STARTERS)) {
    const path = join(paths.workspace, file);
    try {
      await writeFile(path, body(name ?? id), { flag: "wx", mode: 0o600 });
      created.push(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  await mkdir(dirname(configPath), { recursive: true, mode: 0o700 });
  const backup = existing === undefined ? undefined : `${configPath}.bak`;
  if (backup) await copyFile(configPath, backup);
  await writeFileAtomic(configPath, `${JSON.stringify(config, null, 2)}\n`);

  const result = { id, ...paths, config: configPath, backup: backup ?? null, created };
  if (values.json) printJson(io, result);
  else {
    io.out(`added agent "${id}" to ${configPath}${backup ? ` (previous file kept as ${backup})` : ""}`);
    if (keep.length > 0)
      io.out(
        `  kept the default agent "${implicitDefault}" in agents.list (--default makes "${id}" the default)`,
      );
    io.out(`  workspace: ${paths.workspace}`);
    io.out(`  agent dir: ${paths.agentDir}`);
    io.out(`  sessions:  ${paths.sessionsDir}`);
    io.out(
      `next: bind it, e.g. { agentId: "${id}", match: { channel: "telegram", accountId: "*" } } in bindings`,
    );
  }
  return 0;
}

type RawConfig = Record<string, unknown> & { agents?: { list?: Record<string, unknown>[] } };

function parseExisting(text: string | undefined, configPath: string): RawConfig {
  if (text === undefined) return {};
  let value: unknown;
  try {
    value = JSON5.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message.replace(/^JSON5: /, "") : String(error);
    throw new CliError(
      `${configPath} is not valid JSON5 (${detail}); fix it first (patchbay config validate)`,
    );
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new CliError(`${configPath} must hold a JSON5 object`);
  return value as RawConfig;
}

async function readConfigText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}
