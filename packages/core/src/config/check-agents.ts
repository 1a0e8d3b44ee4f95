import path from "node:path";
import type { ConfigIssue } from "../errors.js";
import { resolveAgentPaths } from "./agents.js";
import { normalizeConfigAgentId } from "./ids.js";
import type { PatchbayConfig } from "./schema.js";

export interface CheckContext {
  config: PatchbayConfig;
  errors: ConfigIssue[];
  warnings: ConfigIssue[];
  stateDir: string;
  homeDir: string | undefined;
}

/** Duplicate ids, several `default: true`, shared agentDirs, a non-`main` session.mainKey. */
export function checkAgents(ctx: CheckContext): void {
  const list = ctx.config.agents?.list ?? [];
  const firstById = new Map<string, number>();
  list.forEach((agent, index) => {
    const id = normalizeConfigAgentId(agent.id);
    const first = firstById.get(id);
    if (first === undefined) firstById.set(id, index);
    else
      ctx.errors.push({
        path: `agents.list[${index}].id`,
        message: `Duplicate agent id "${id}" (after normalisation); agents.list[${first}] already uses it`,
      });
  });

  const marked = list.flatMap((agent, index) => (agent.default === true ? [index] : []));
  for (const index of marked.slice(1)) {
    ctx.warnings.push({
      path: `agents.list[${index}].default`,
      message: `Multiple agents marked default=true; using the first entry as default (agents.list[${marked[0]}]).`,
    });
  }

  const ownerByDir = new Map<string, number>();
  list.forEach((agent, index) => {
    const id = normalizeConfigAgentId(agent.id);
    if (firstById.get(id) !== index) return; // duplicates already reported
    const { agentDir } = resolveAgentPaths(ctx.config, id, { stateDir: ctx.stateDir, homeDir: ctx.homeDir });
    const key = path.normalize(agentDir).replace(/[\\/]+$/, "");
    const owner = ownerByDir.get(key);
    if (owner === undefined) {
      ownerByDir.set(key, index);
      return;
    }
    const ownerId = normalizeConfigAgentId(list[owner]?.id);
    ctx.errors.push({
      path: agent.agentDir === undefined ? `agents.list[${index}]` : `agents.list[${index}].agentDir`,
      message: `agentDir "${agentDir}" is shared with agent "${ownerId}" (agents.list[${owner}]); each agent needs its own`,
    });
  });

  const mainKey = ctx.config.session?.mainKey;
  if (mainKey !== undefined && mainKey.trim().toLowerCase() !== "main") {
    ctx.warnings.push({
      path: "session.mainKey",
      message: `session.mainKey "${mainKey}" is replaced by "main" (OpenClaw ignores other values)`,
    });
  }
}
