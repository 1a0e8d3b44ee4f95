/** A parsed `agent:<agentId>:<rest>` key; both parts lowercased. */
export interface ParsedAgentSessionKey {
  agentId: string;
  rest: string;
}

/** The shape of a stored session key (spec §3.4). */
export type SessionKeyShape = "agent" | "malformed_agent" | "legacy_or_alias" | "missing";

/**
 * Parses `agent:<agentId>:<rest>` case-insensitively: `AGENT:Main:Hook:Webhook:42` gives
 * `{ agentId: "main", rest: "hook:webhook:42" }`. Returns `null` for anything else, including
 * `agent::broken` and `agent:main`. Legacy `:dm:` keys parse like any other.
 */
export function parseAgentSessionKey(key: unknown): ParsedAgentSessionKey | null {
  if (typeof key !== "string") return null;
  const raw = key.trim().toLowerCase();
  if (!raw.startsWith("agent:")) return null;
  const afterPrefix = raw.slice("agent:".length);
  const colon = afterPrefix.indexOf(":");
  if (colon < 0) return null;
  const agentId = afterPrefix.slice(0, colon).trim();
  const rest = afterPrefix.slice(colon + 1);
  if (agentId === "" || rest.trim() === "") return null;
  return { agentId, rest };
}

/**
 * Classifies a session key: `missing` (absent or blank), `agent` (parses), `malformed_agent`
 * (starts with `agent:` but does not parse), or `legacy_or_alias` (`main`, `subagent:x`, …).
 */
export function classifySessionKeyShape(key: unknown): SessionKeyShape {
  if (typeof key !== "string" || key.trim() === "") return "missing";
  if (parseAgentSessionKey(key) !== null) return "agent";
  return key.trim().toLowerCase().startsWith("agent:") ? "malformed_agent" : "legacy_or_alias";
}
