import { roleText } from "./config-read.js";
import { normalizeAccountId, normalizeChannelId, normalizePeerId, normalizePeerKind } from "./ids.js";
import type { NormalizedRouteInput, RouteInput } from "./types.js";

function normalizePeer(peer: unknown): { kind: string; id: string } | null {
  if (typeof peer !== "object" || peer === null || Array.isArray(peer)) return null;
  const record = peer as { kind?: unknown; id?: unknown };
  return { kind: normalizePeerKind(record.kind), id: normalizePeerId(record.id) };
}

/** The inbound side of spec §2.2, normalised once. Never throws. */
export function normalizeRouteInput(input: RouteInput): NormalizedRouteInput {
  const source: Partial<RouteInput> = typeof input === "object" && input !== null ? input : {};
  const roles = Array.isArray(source.memberRoleIds) ? (source.memberRoleIds as readonly unknown[]) : [];
  return {
    channel: normalizeChannelId(source.channel),
    accountId: normalizeAccountId(source.accountId),
    peer: normalizePeer(source.peer),
    parentPeer: normalizePeer(source.parentPeer),
    guildId: normalizePeerId(source.guildId),
    teamId: normalizePeerId(source.teamId),
    memberRoleIds: roles.map(roleText).filter((role) => role !== undefined),
  };
}
