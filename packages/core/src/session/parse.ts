/** A parsed `agent:<agentId>:<rest>` key; both parts lowercased. */
export interface ParsedAgentSessionKey {
  agentId: string;
  rest: string;
}

/** The shape of a stored session key (spec §3.4). */
export type SessionKeyShape = "agent" | "malformed_agent" | "legacy_or_alias" | "missing";

/**
 * Parses `agent:<agentId>:<rest>` case-insensitively: `AGENT:Main:Hook:Webhook:42` gives
 * `{ agentId: "main", rest: "hook:webhook:42" }`. Like OpenClaw, empty `:`-segments are dropped
 * first, so at least three non-empty segments are needed: `agent::broken`, `agent:main` and
 * `agent:main::` are `null`, and `agent:a:b::c` has rest `b:c`. Legacy `:dm:` keys parse like any
 * other. Returns `null` for anything else.
 */
export function parseAgentSessionKey(key: unknown): ParsedAgentSessionKey | null {
  if (typeof key !== "string") return null;
  const parts = key
    .trim()
    .toLowerCase()
    .split(":")
    .filter((part) => part !== "");
  if (parts.length < 3 || parts[0] !== "agent") return null;
  const agentId = (parts[1] as string).trim();
  const rest = parts.slice(2).join(":");
  if (agentId === "" || rest === "") return null;
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
