import { normalizeAccountId, normalizeChannelId, normalizePeerId, normalizePeerKind } from "../router/ids.js";
import { peerIdForKey } from "./case.js";

// Matrix room keys keep their case after `agent:<id>:matrix:<kind>:`, thread ids included (§3.4).
const MATRIX_ROOM_KEY = /^agent:[^:]+:matrix:(?:channel|group):/i;

/**
 * Appends a thread to a session key: `<baseKey>:thread:<lower(threadId)>` (spec §3.3). An empty
 * thread id returns `baseKey` unchanged. Matrix room keys keep the thread id's case.
 */
export function resolveThreadSessionKey(
  baseKey: string,
  threadId: string | number | bigint | null | undefined,
): string {
  const base = typeof baseKey === "string" ? baseKey : "";
  const thread = normalizePeerId(threadId);
  if (thread === "") return base;
  const id = MATRIX_ROOM_KEY.test(base) ? thread : thread.toLowerCase();
  return `${base}:thread:${id}`;
}

/** What identifies a group's pending-history buffer. */
export interface GroupHistoryKeyParams {
  channel: string;
  accountId?: string | null;
  peerKind: string;
  peerId: string | number | bigint;
}

/**
 * The group history buffer key (not a session key, spec §3.3):
 * `<channel>:<accountId>:<group|channel>:<peerId>`, e.g. `whatsapp:default:group:123@g.us`.
 * Lowercased like session keys, with the same Signal/Matrix case exception.
 */
export function buildGroupHistoryKey(params: GroupHistoryKeyParams): string {
  const channel = normalizeChannelId(params?.channel) || "unknown";
  const accountId = normalizeAccountId(params?.accountId);
  const kind = normalizePeerKind(params?.peerKind) || "group";
  const peerId = normalizePeerId(params?.peerId);
  const id = peerId === "" ? "unknown" : peerIdForKey(channel, kind, peerId);
  return `${channel}:${accountId}:${kind}:${id}`;
}
