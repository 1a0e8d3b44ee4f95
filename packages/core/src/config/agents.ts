import path from "node:path";
import { DEFAULT_AGENT_ID, normalizeConfigAgentId } from "./ids.js";
import type { PatchbayConfig } from "./schema.js";

type AgentList = NonNullable<NonNullable<PatchbayConfig["agents"]>["list"]>;

function agentList(config: PatchbayConfig): AgentList {
  return config.agents?.list ?? [];
}

/** Index in `agents.list` of the default agent, or -1 when the list is empty (spec §1.1). */
export function defaultAgentIndex(config: PatchbayConfig): number {
  const list = agentList(config);
  if (list.length === 0) return -1;
  const marked = list.findIndex((agent) => agent.default === true);
  return marked >= 0 ? marked : 0;
}

/**
 * The default agent id (spec §1.1): the first entry with `default: true`, else the first entry, else
 * `main`. Normalised. Validation warns when several entries are marked default.
 */
export function resolveDefaultAgentId(config: PatchbayConfig): string {
  const index = defaultAgentIndex(config);
  if (index < 0) return DEFAULT_AGENT_ID;
  return normalizeConfigAgentId(agentList(config)[index]?.id);
}

/** Normalised ids of `agents.list`, in order, duplicates removed. `["main"]` when the list is empty. */
export function listAgentIds(config: PatchbayConfig): string[] {
  const list = agentList(config);
  if (list.length === 0) return [DEFAULT_AGENT_ID];
  return [...new Set(list.map((agent) => normalizeConfigAgentId(agent.id)))];
}

export interface AgentPathOptions {
  /** Patchbay's state dir (`~/.patchbay` or PATCHBAY_STATE_DIR), already resolved. */
  stateDir: string;
  /** Expands a leading `~` in configured paths when given. */
  homeDir?: string;
}

export interface AgentPaths {
  agentId: string;
  workspace: string;
  /** Per-agent auth profiles and model registry; never shared between agents. */
  agentDir: string;
  /** Session index and JSONL transcripts. */
  sessionsDir: string;
}

/** Expands `~` / `~/…` with `homeDir` (left as written without one). */
export function expandHome(value: string, homeDir: string | undefined): string {
  if (!homeDir) return value;
  if (value === "~") return homeDir;
  if (value.startsWith("~/")) return path.join(homeDir, value.slice(2));
  return value;
}

/**
 * Workspace and agentDir of an agent (spec §1.1 defaults, rooted at Patchbay's state dir): the default
 * agent's workspace is `agents.defaults.workspace` or `<stateDir>/workspace`; another agent's is
 * `<agents.defaults.workspace>/<id>` or `<stateDir>/workspace-<id>`. agentDir defaults to
 * `<stateDir>/agents/<id>/agent`. Ids are normalised, so they are safe path segments.
 */
export function resolveAgentPaths(
  config: PatchbayConfig,
  agentId: string,
  options: AgentPathOptions,
): AgentPaths {
  const id = normalizeConfigAgentId(agentId);
  const entry = agentList(config).find((agent) => normalizeConfigAgentId(agent.id) === id);
  const home = options.homeDir;
  const defaultsWorkspace = config.agents?.defaults?.workspace;
  const isDefault = resolveDefaultAgentId(config) === id;
  let workspace: string;
  if (entry?.workspace) workspace = expandHome(entry.workspace, home);
  else if (defaultsWorkspace) {
    const base = expandHome(defaultsWorkspace, home);
    workspace = isDefault ? base : path.join(base, id);
  } else workspace = path.join(options.stateDir, isDefault ? "workspace" : `workspace-${id}`);
  const agentDir = entry?.agentDir
    ? expandHome(entry.agentDir, home)
    : path.join(options.stateDir, "agents", id, "agent");
  return {
    agentId: id,
    workspace,
    agentDir,
    sessionsDir: path.join(options.stateDir, "agents", id, "sessions"),
  };
}
