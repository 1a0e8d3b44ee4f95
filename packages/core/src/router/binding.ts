import { asRecord, roleText } from "./config-read.js";
import {
  DEFAULT_ACCOUNT_ID,
  isKnownPeerKind,
  normalizeAccountId,
  normalizeAgentId,
  normalizeChannelId,
  normalizePeerId,
  normalizePeerKind,
} from "./ids.js";
import type { BindingBucket } from "./types.js";

/** One route binding of `cfg.bindings`, normalised (spec §1.2). */
export interface NormalizedBinding {
  /** Position in `cfg.bindings`; config order. */
  index: number;
  channel: string;
  /** `*` for every account, else a normalised account id. */
  accountPattern: string;
  /** True when `match.accountId` was omitted or blank (so it means `default`). */
  accountOmitted: boolean;
  /** `agentId` normalised, before any agents.list fallback. */
  agentId: string;
  /** The only tier it can match in, or `unmatchable` (unknown peer kind, empty peer id). */
  bucket: BindingBucket | "unmatchable";
  /** Why it is unmatchable, as a sentence. */
  unmatchableReason: string;
  /** Normalised peer kind and trimmed id (`*` for the wildcard); `""` without a peer. */
  peerKind: string;
  peerId: string;
  /** Trimmed; `""` when absent. */
  guildId: string;
  teamId: string;
  /** Defined only for a non-empty `roles` array; entries kept exact (no trimming). */
  roles: string[] | undefined;
}

function isRouteBinding(binding: Record<string, unknown>): boolean {
  const type = binding.type;
  return type === undefined || type === null || type === "route";
}

/**
 * Normalises one entry of `cfg.bindings`. Returns `undefined` for entries that take no part in
 * tiered routing: non-objects, ACP (or other non-route) bindings, and bindings without a channel.
 */
export function normalizeBinding(raw: unknown, index: number): NormalizedBinding | undefined {
  const binding = asRecord(raw);
  if (binding === undefined || !isRouteBinding(binding)) return undefined;
  const match = asRecord(binding.match);
  const channel = normalizeChannelId(match?.channel);
  if (match === undefined || channel === "") return undefined;

  const accountText = normalizePeerId(match.accountId);
  const accountOmitted = accountText === "";
  const accountPattern = accountOmitted
    ? DEFAULT_ACCOUNT_ID
    : accountText === "*"
      ? "*"
      : normalizeAccountId(accountText);

  const guildId = normalizePeerId(match.guildId);
  const teamId = normalizePeerId(match.teamId);
  const rawRoles = match.roles;
  const roles =
    Array.isArray(rawRoles) && rawRoles.length > 0
      ? rawRoles.map(roleText).filter((role) => role !== undefined)
      : undefined;

  const normalized: NormalizedBinding = {
    index,
    channel,
    accountPattern,
    accountOmitted,
    agentId: normalizeAgentId(binding.agentId),
    bucket: "channel",
    unmatchableReason: "",
    peerKind: "",
    peerId: "",
    guildId,
    teamId,
    roles,
  };

  const peer = match.peer;
  if (peer !== undefined && peer !== null) {
    const peerRecord = asRecord(peer);
    normalized.peerKind = normalizePeerKind(peerRecord?.kind);
    normalized.peerId = normalizePeerId(peerRecord?.id);
    if (peerRecord === undefined) {
      normalized.bucket = "unmatchable";
      normalized.unmatchableReason = "match.peer is not an object";
    } else if (!isKnownPeerKind(normalized.peerKind)) {
      normalized.bucket = "unmatchable";
      normalized.unmatchableReason = `peer kind "${normalized.peerKind}" is not direct, group or channel`;
    } else if (normalized.peerId === "") {
      normalized.bucket = "unmatchable";
      normalized.unmatchableReason = "peer id is empty";
    } else {
      normalized.bucket = normalized.peerId === "*" ? "peer.wildcard" : "peer";
    }
    return normalized;
  }
  if (guildId !== "") normalized.bucket = roles === undefined ? "guild" : "guild+roles";
  else if (teamId !== "") normalized.bucket = "team";
  else normalized.bucket = accountPattern === "*" ? "channel" : "account";
  return normalized;
}
