import { normalizeAgentId } from "../router/index.js";
import { isUnsafeRegexSource } from "./safe-regex.js";
import { asRecord, own, toIdString } from "./values.js";

// Zero-width and bidi control characters people paste into names and messages.
const INVISIBLE = /[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]/g;

const BACKSPACE = String.fromCharCode(8);

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The agent entry from `agents.list[]` (eras A/B) or `agents.entries` (era C). */
function findAgent(cfg: unknown, agentId: unknown): Record<string, unknown> | undefined {
  const agents = asRecord(own(asRecord(cfg), "agents"));
  const wanted = normalizeAgentId(agentId);
  const list = own(agents, "list");
  if (Array.isArray(list)) {
    for (const entry of list) {
      const record = asRecord(entry);
      if (record !== undefined && normalizeAgentId(own(record, "id")) === wanted) return record;
    }
  }
  const entries = asRecord(own(agents, "entries"));
  if (entries !== undefined) {
    for (const [id, entry] of Object.entries(entries)) {
      if (normalizeAgentId(id) === wanted) return asRecord(entry);
    }
  }
  return undefined;
}

/** Patterns derived from `identity`: the name with flexible whitespace, plus the emoji. */
function identityPatterns(identity: Record<string, unknown> | undefined): string[] {
  const patterns: string[] = [];
  const words = toIdString(own(identity, "name"))
    .replace(INVISIBLE, "")
    .split(/\s+/)
    .filter((word) => word !== "");
  if (words.length > 0) {
    const body = words.map(escapeRegex).join("\\s+");
    // \b only where the name starts/ends with a word character, else it could never match.
    const start = /^\w/.test(words[0] as string) ? "\\b" : "";
    const end = /\w$/.test(words[words.length - 1] as string) ? "\\b" : "";
    patterns.push(`@?${start}${body}${end}`);
  }
  const emoji = toIdString(own(identity, "emoji")).replace(INVISIBLE, "");
  if (emoji !== "") patterns.push(escapeRegex(emoji));
  return patterns;
}

/** The string entries of a pattern list; any other value (null, a string) gives none. */
const patternList = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((p): p is string => typeof p === "string") : [];

/**
 * Mention pattern sources for an agent in the §4.6 order: the first source *present* wins. A
 * `mentionPatterns` key counts as present whatever its value (`[]`, even `null`), as in OpenClaw.
 */
export function resolveMentionPatternSources(cfg: unknown, agentId: unknown): string[] {
  const agent = findAgent(cfg, agentId);
  const agentGroupChat = asRecord(own(agent, "groupChat"));
  if (agentGroupChat !== undefined && Object.hasOwn(agentGroupChat, "mentionPatterns")) {
    return patternList(agentGroupChat.mentionPatterns);
  }
  const globalGroupChat = asRecord(own(asRecord(own(asRecord(cfg), "messages")), "groupChat"));
  if (globalGroupChat !== undefined && Object.hasOwn(globalGroupChat, "mentionPatterns")) {
    return patternList(globalGroupChat.mentionPatterns);
  }
  return identityPatterns(asRecord(own(agent, "identity")));
}

/** Compiles one pattern case-insensitively, or undefined when empty, invalid or unsafe. */
export function compileMentionPattern(source: string): RegExp | undefined {
  // A literal backspace (JSON "\b" read as U+0008) was meant as a word boundary.
  const pattern = source.replaceAll(BACKSPACE, "\\b");
  if (pattern.trim() === "" || isUnsafeRegexSource(pattern)) return undefined;
  try {
    return new RegExp(pattern, "i");
  } catch {
    return undefined;
  }
}

/**
 * Mention regexes for an agent (§4.6): `agents.list[agent].groupChat.mentionPatterns` (even `[]`),
 * else `messages.groupChat.mentionPatterns`, else derived from the agent's identity name/emoji.
 * Empty, invalid and unsafe patterns are dropped. Never throws.
 */
export function buildMentionRegexes(cfg: unknown, agentId: unknown): RegExp[] {
  const regexes: RegExp[] = [];
  for (const source of resolveMentionPatternSources(cfg, agentId)) {
    const regex = compileMentionPattern(source);
    if (regex !== undefined) regexes.push(regex);
  }
  return regexes;
}

/** Message text as matched: zero-width/bidi characters stripped, lowercased. */
export function normalizeMentionText(text: unknown): string {
  return typeof text === "string" ? text.replace(INVISIBLE, "").toLowerCase() : "";
}

/** True when any regex matches the normalised text. Never throws. */
export function matchesMentionPatterns(text: unknown, regexes: unknown): boolean {
  if (!Array.isArray(regexes)) return false;
  const normalized = normalizeMentionText(text);
  if (normalized === "") return false;
  for (const regex of regexes) {
    if (!(regex instanceof RegExp)) continue;
    regex.lastIndex = 0;
    if (regex.test(normalized)) return true;
  }
  return false;
}
