import { asRecord } from "./config-read.js";
import { DEFAULT_AGENT_ID, normalizeAgentId } from "./ids.js";

/** `agents.list` reduced to what routing needs (spec §1.1, §2.5). */
export interface AgentRoster {
  /** The first entry with `default: true`, else the first entry, else `main`. */
  readonly defaultAgentId: string;
  /** Normalised ids of the listed agents; empty when there is no list. */
  readonly ids: ReadonlySet<string>;
  readonly warnings: readonly string[];
}

/** Reads `cfg.agents.list`; entries that are not objects are ignored. Never throws. */
export function readAgentRoster(cfg: unknown): AgentRoster {
  const list = asRecord(asRecord(cfg)?.agents)?.list;
  const entries = Array.isArray(list) ? list.map(asRecord).filter((entry) => entry !== undefined) : [];
  const ids = new Set(entries.map((entry) => normalizeAgentId(entry.id)));
  const defaults = entries.filter((entry) => entry.default === true);
  const warnings =
    defaults.length > 1 ? ["Multiple agents marked default=true; using the first entry as default."] : [];
  const chosen = defaults[0] ?? entries[0];
  return {
    defaultAgentId: chosen === undefined ? DEFAULT_AGENT_ID : normalizeAgentId(chosen.id),
    ids,
    warnings,
  };
}

/** The default agent id of a config (spec §1.1). */
export function resolveDefaultAgentId(cfg: unknown): string {
  return readAgentRoster(cfg).defaultAgentId;
}

/**
 * The agent that runs for a binding's agent id (spec §2.5): with no list, the id itself
 * (normalised); with a list, the listed agent, or silently the default agent when it is not listed.
 */
export function pickAgentId(roster: AgentRoster, agentId: unknown): string {
  const id = normalizeAgentId(agentId);
  return roster.ids.size === 0 || roster.ids.has(id) ? id : roster.defaultAgentId;
}
