import { buildAgentMainSessionKey, buildAgentSessionKey } from "../session/key.js";
import {
  DEFAULT_AGENT_ID,
  isKnownPeerKind,
  normalizeAccountId,
  normalizeAgentId,
  normalizeChannelId,
  normalizePeerId,
  normalizePeerKind,
  peerKindsMatch,
} from "./ids.js";
import type { ResolveAgentRouteParams, ResolvedAgentRoute, RouteMatchedBy } from "./types.js";

// The plain, uncached algorithm of spec §2, written straight from the text: scan every binding for
// every tier. It is slow on purpose and exists to prove the compiled router equal to it.

type Rec = Record<string, unknown>;
type Peer = { kind: string; id: string };

const rec = (value: unknown): Rec | undefined =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Rec) : undefined;
const peerOf = (value: unknown): Peer | null => {
  const peer = rec(value);
  return peer === undefined ? null : { kind: normalizePeerKind(peer.kind), id: normalizePeerId(peer.id) };
};
const roleOf = (value: unknown): string | undefined =>
  typeof value === "string"
    ? value
    : typeof value === "number" || typeof value === "bigint"
      ? String(value)
      : undefined;

type Bucket = "invalid" | "peer" | "wildcard" | "guild+roles" | "guild" | "team" | "account" | "channel";

/** The bucket of spec §2.4: the only tier a binding can ever match in. */
function bucketOf(match: Rec): Bucket {
  if (match.peer !== undefined && match.peer !== null) {
    const peer = peerOf(match.peer);
    if (peer === null || !isKnownPeerKind(peer.kind) || peer.id === "") return "invalid";
    return peer.id === "*" ? "wildcard" : "peer";
  }
  const hasRoles = Array.isArray(match.roles) && match.roles.length > 0;
  if (normalizePeerId(match.guildId) !== "") return hasRoles ? "guild+roles" : "guild";
  if (normalizePeerId(match.teamId) !== "") return "team";
  return normalizePeerId(match.accountId) === "*" ? "channel" : "account";
}

/** The result of the reference algorithm, with the winning binding's position in `cfg.bindings`. */
export interface ReferenceMatch {
  route: ResolvedAgentRoute;
  bindingIndex: number | null;
}

/** Resolves a route the slow, obvious way (spec §2), reporting which binding won. Never throws. */
export function matchAgentRouteReference(params: ResolveAgentRouteParams): ReferenceMatch {
  const input: Rec = rec(params) ?? {};
  const cfg = rec(input.cfg) ?? {};
  const channel = normalizeChannelId(input.channel);
  const accountId = normalizeAccountId(input.accountId);
  const peer = peerOf(input.peer);
  const parentPeer = peerOf(input.parentPeer);
  const guildId = normalizePeerId(input.guildId);
  const teamId = normalizePeerId(input.teamId);
  const memberRoles = new Set(
    (Array.isArray(input.memberRoleIds) ? input.memberRoleIds : [])
      .map(roleOf)
      .filter((r) => r !== undefined),
  );

  // §2.3: the bindings of this channel whose account pattern applies, in config order.
  const candidates: Array<{ index: number; agentId: unknown; match: Rec }> = [];
  const bindings = Array.isArray(cfg.bindings) ? cfg.bindings : [];
  bindings.forEach((raw, index) => {
    const binding = rec(raw);
    if (binding === undefined) return;
    if (binding.type !== undefined && binding.type !== null && binding.type !== "route") return;
    const match = rec(binding.match);
    if (match === undefined || normalizeChannelId(match.channel) === "") return;
    if (normalizeChannelId(match.channel) !== channel) return;
    const pattern = normalizePeerId(match.accountId);
    const applies =
      pattern === "*" || (pattern === "" ? "default" : normalizeAccountId(pattern)) === accountId;
    if (applies) candidates.push({ index, agentId: binding.agentId, match });
  });

  const otherConstraintsHold = (match: Rec): boolean => {
    const bindingGuild = normalizePeerId(match.guildId);
    if (bindingGuild !== "" && bindingGuild !== guildId) return false;
    const bindingTeam = normalizePeerId(match.teamId);
    if (bindingTeam !== "" && bindingTeam !== teamId) return false;
    if (Array.isArray(match.roles) && match.roles.length > 0) {
      return match.roles.some((role) => {
        const text = roleOf(role);
        return text !== undefined && memberRoles.has(text);
      });
    }
    return true;
  };
  const peerHits = (match: Rec, inbound: Peer | null): boolean => {
    const bound = peerOf(match.peer);
    return (
      inbound !== null &&
      bound !== null &&
      peerKindsMatch(bound.kind, inbound.kind) &&
      bound.id === inbound.id
    );
  };
  const wildcardHits = (match: Rec): boolean => {
    const bound = peerOf(match.peer);
    return peer !== null && bound !== null && peerKindsMatch(bound.kind, peer.kind);
  };

  const tiers: Array<[RouteMatchedBy, boolean, Bucket, (match: Rec) => boolean]> = [
    ["binding.peer", peer !== null, "peer", (m) => peerHits(m, peer)],
    [
      "binding.peer.parent",
      parentPeer !== null && parentPeer.id !== "",
      "peer",
      (m) => peerHits(m, parentPeer),
    ],
    ["binding.peer.wildcard", peer !== null, "wildcard", wildcardHits],
    ["binding.guild+roles", guildId !== "" && memberRoles.size > 0, "guild+roles", () => true],
    ["binding.guild", guildId !== "", "guild", () => true],
    ["binding.team", teamId !== "", "team", () => true],
    ["binding.account", true, "account", () => true],
    ["binding.channel", true, "channel", () => true],
  ];

  // §1.1 / §2.5: the agents list, its default, and the fallback for unknown agents.
  const list = rec(cfg.agents)?.list;
  const agents = (Array.isArray(list) ? list : []).map(rec).filter((entry) => entry !== undefined);
  const defaultEntry = agents.find((entry) => entry.default === true) ?? agents[0];
  const defaultAgentId = defaultEntry === undefined ? DEFAULT_AGENT_ID : normalizeAgentId(defaultEntry.id);
  const pickAgent = (raw: unknown): string => {
    const id = normalizeAgentId(raw);
    if (agents.length === 0) return id;
    return agents.some((entry) => normalizeAgentId(entry.id) === id) ? id : defaultAgentId;
  };

  let matchedBy: RouteMatchedBy = "default";
  let agentId = defaultAgentId;
  let bindingIndex: number | null = null;
  search: for (const [tier, enabled, bucket, hits] of tiers) {
    if (!enabled) continue;
    for (const candidate of candidates) {
      if (bucketOf(candidate.match) !== bucket) continue;
      if (hits(candidate.match) && otherConstraintsHold(candidate.match)) {
        matchedBy = tier;
        agentId = pickAgent(candidate.agentId);
        bindingIndex = candidate.index;
        break search;
      }
    }
  }

  // §3: a present peer with an empty id is keyed `unknown`; no peer keys as a DM.
  const session = rec(cfg.session) ?? {};
  const sessionKey = buildAgentSessionKey({
    agentId,
    channel,
    accountId,
    peer: peer === null ? null : { kind: peer.kind, id: peer.id === "" ? "unknown" : peer.id },
    dmScope: typeof session.dmScope === "string" ? session.dmScope : undefined,
    identityLinks: session.identityLinks,
  });
  const mainSessionKey = buildAgentMainSessionKey(agentId);
  return {
    route: {
      agentId,
      channel,
      accountId,
      sessionKey,
      mainSessionKey,
      lastRoutePolicy: sessionKey === mainSessionKey ? "main" : "session",
      matchedBy,
    },
    bindingIndex,
  };
}

/** The uncached reference implementation of `resolveAgentRoute` (spec §2). Never throws. */
export function resolveAgentRouteReference(params: ResolveAgentRouteParams): ResolvedAgentRoute {
  return matchAgentRouteReference(params).route;
}
