import { MAIN_SESSION_KEY } from "../session/key.js";
import { readAgentRoster } from "./agents.js";
import { buildBindingIndexes } from "./build-index.js";
import { readBindings, roleText } from "./config-read.js";
import { explainRoute } from "./explain.js";
import { normalizeAccountId, normalizeChannelId, normalizePeerId, normalizePeerKind } from "./ids.js";
import { normalizeRouteInput } from "./normalize-input.js";
import { type ChannelIndex, NONE, satisfies, type TierIndex } from "./route-index.js";
import { createSessionKeyer } from "./session-keyer.js";
import type { CompiledRouter, ResolvedAgentRoute, RouteInput, RouteMatchedBy } from "./types.js";

/**
 * Compiles a config's bindings once into indexes per channel, account and tier, so resolving a route
 * costs a few map lookups whatever the number of bindings. Results equal the plain algorithm of spec
 * §2 (see `resolveAgentRouteReference`). The config is read now; to change routing, compile again.
 * Never throws, whatever `cfg` holds.
 */
export function compileRouter(cfg: unknown): CompiledRouter {
  const rawBindings = readBindings(cfg).slice();
  const roster = readAgentRoster(cfg);
  const { channels, table } = buildBindingIndexes(rawBindings, roster);
  const { agentOf, next } = table;
  const constraintOf = table.constraintOf;
  const hasConstraints = constraintOf.length > 0;
  const keyer = createSessionKeyer(cfg);
  const defaultAgentId = roster.defaultAgentId;
  const defaultMainKey = `agent:${defaultAgentId}:${MAIN_SESSION_KEY}`;
  const mainKeyOf: Array<string | undefined> = new Array<string | undefined>(rawBindings.length);

  // One-entry memo of the last (channel, accountId) pair: consecutive messages usually share it.
  let memoChannelRaw: unknown = Symbol("unset");
  let memoAccountRaw: unknown = Symbol("unset");
  let memoChannel = "";
  let memoAccount = "";
  let memoAccountIndex: TierIndex | undefined;
  let memoStarIndex: TierIndex | undefined;

  // Scratch state of the last resolve (single-threaded, read by explain right after resolve).
  let hitTier: RouteMatchedBy = "default";
  let lastHit = NONE;
  let guildId = "";
  let teamId = "";
  let roles: readonly unknown[] | undefined;

  const firstIn = (head: number): number => {
    if (!hasConstraints) return head;
    for (let index = head; index !== NONE; index = next[index]!) {
      const constraint = constraintOf[index];
      if (constraint === undefined || satisfies(constraint, guildId, teamId, roles)) return index;
    }
    return NONE;
  };
  const earlier = (a: number, b: number): number => (a === NONE ? b : b === NONE || a < b ? a : b);
  const peerIn = (tiers: TierIndex | undefined, kind: string, id: string): number => {
    if (tiers === undefined) return NONE;
    const map = kind === "direct" ? tiers.peerDirect : tiers.peerGroup;
    const head = map?.get(id);
    return head === undefined ? NONE : firstIn(head);
  };
  const wildIn = (tiers: TierIndex | undefined, kind: string): number => {
    if (tiers === undefined) return NONE;
    const head = kind === "direct" ? tiers.wildDirect : tiers.wildGroup;
    return head === NONE ? NONE : firstIn(head);
  };
  const keyedIn = (map: Map<string, number> | undefined, key: string): number => {
    const head = map?.get(key);
    return head === undefined ? NONE : firstIn(head);
  };
  const guildRolesIn = (
    tiers: TierIndex | undefined,
    guild: string,
    memberRoles: readonly unknown[],
  ): number => {
    const byRole = tiers?.guildRoles?.get(guild);
    if (byRole === undefined) return NONE;
    let best = NONE;
    for (const member of memberRoles) {
      const role = typeof member === "string" ? member : roleText(member);
      const list = role === undefined ? undefined : byRole.get(role);
      if (list === undefined) continue;
      for (const index of list) {
        if (best !== NONE && index >= best) break;
        const constraint = constraintOf[index];
        if (constraint === undefined || constraint.teamId === "" || constraint.teamId === teamId) {
          best = index;
          break;
        }
      }
    }
    return best;
  };

  /** Finds the winning binding index for normalised input, or NONE; sets `hitTier`. */
  const locate = (
    acct: TierIndex | undefined,
    star: TierIndex | undefined,
    peerKind: string | undefined,
    peerId: string,
    parentKind: string | undefined,
    parentId: string,
  ): number => {
    let hit = NONE;
    const peerMatchable = peerKind === "direct" || peerKind === "group" || peerKind === "channel";
    if (peerMatchable && peerId !== "") {
      hit = earlier(peerIn(acct, peerKind, peerId), peerIn(star, peerKind, peerId));
      if (hit !== NONE) {
        hitTier = "binding.peer";
        return hit;
      }
    }
    if (parentId !== "" && (parentKind === "direct" || parentKind === "group" || parentKind === "channel")) {
      hit = earlier(peerIn(acct, parentKind, parentId), peerIn(star, parentKind, parentId));
      if (hit !== NONE) {
        hitTier = "binding.peer.parent";
        return hit;
      }
    }
    if (peerMatchable) {
      hit = earlier(wildIn(acct, peerKind), wildIn(star, peerKind));
      if (hit !== NONE) {
        hitTier = "binding.peer.wildcard";
        return hit;
      }
    }
    if (guildId !== "") {
      if (roles !== undefined && roles.length > 0) {
        hit = earlier(guildRolesIn(acct, guildId, roles), guildRolesIn(star, guildId, roles));
        if (hit !== NONE) {
          hitTier = "binding.guild+roles";
          return hit;
        }
      }
      hit = earlier(keyedIn(acct?.guild, guildId), keyedIn(star?.guild, guildId));
      if (hit !== NONE) {
        hitTier = "binding.guild";
        return hit;
      }
    }
    if (teamId !== "") {
      hit = earlier(keyedIn(acct?.team, teamId), keyedIn(star?.team, teamId));
      if (hit !== NONE) {
        hitTier = "binding.team";
        return hit;
      }
    }
    if (acct !== undefined && acct.rest !== NONE) {
      hit = firstIn(acct.rest);
      if (hit !== NONE) {
        hitTier = "binding.account";
        return hit;
      }
    }
    if (star !== undefined && star.rest !== NONE) {
      hit = firstIn(star.rest);
      if (hit !== NONE) {
        hitTier = "binding.channel";
        return hit;
      }
    }
    hitTier = "default";
    return NONE;
  };

  const selectIndexes = (channelRaw: unknown, accountRaw: unknown): void => {
    if (channelRaw === memoChannelRaw && accountRaw === memoAccountRaw) return;
    const channel = normalizeChannelId(channelRaw);
    const accountId = normalizeAccountId(accountRaw);
    const channelIndex: ChannelIndex | undefined = channels.get(channel);
    memoChannelRaw = channelRaw;
    memoAccountRaw = accountRaw;
    memoChannel = channel;
    memoAccount = accountId;
    memoAccountIndex = channelIndex?.accounts.get(accountId);
    memoStarIndex = channelIndex?.star;
  };

  const resolve = (input: RouteInput): ResolvedAgentRoute => {
    if (typeof input !== "object" || input === null) input = { channel: "" };
    selectIndexes(input.channel, input.accountId);
    const channel = memoChannel;
    const accountId = memoAccount;

    const peer: unknown = input.peer;
    let peerKind: string | undefined;
    let peerId = "";
    if (typeof peer === "object" && peer !== null) {
      const rawKind = (peer as { kind?: unknown }).kind;
      peerKind =
        rawKind === "direct" || rawKind === "group" || rawKind === "channel"
          ? rawKind
          : normalizePeerKind(rawKind);
      const rawId = (peer as { id?: unknown }).id;
      peerId = typeof rawId === "string" ? rawId.trim() : normalizePeerId(rawId);
    }
    const parent: unknown = input.parentPeer;
    let parentKind: string | undefined;
    let parentId = "";
    if (typeof parent === "object" && parent !== null) {
      parentKind = normalizePeerKind((parent as { kind?: unknown }).kind);
      parentId = normalizePeerId((parent as { id?: unknown }).id);
    }
    guildId = input.guildId === undefined ? "" : normalizePeerId(input.guildId);
    teamId = input.teamId === undefined ? "" : normalizePeerId(input.teamId);
    const memberRoleIds: unknown = input.memberRoleIds;
    roles = Array.isArray(memberRoleIds) ? memberRoleIds : undefined;

    let hit = NONE;
    if (memoAccountIndex !== undefined || memoStarIndex !== undefined) {
      hit = locate(memoAccountIndex, memoStarIndex, peerKind, peerId, parentKind, parentId);
    } else {
      hitTier = "default";
    }
    lastHit = hit;
    let agentId = defaultAgentId;
    let mainSessionKey = defaultMainKey;
    if (hit !== NONE) {
      agentId = agentOf[hit]!;
      const known = mainKeyOf[hit];
      if (known === undefined) {
        mainSessionKey = `agent:${agentId}:${MAIN_SESSION_KEY}`;
        mainKeyOf[hit] = mainSessionKey;
      } else {
        mainSessionKey = known;
      }
    }
    const sessionKey = keyer(agentId, mainSessionKey, channel, accountId, peerKind, peerId);
    return {
      agentId,
      channel,
      accountId,
      sessionKey,
      mainSessionKey,
      lastRoutePolicy: sessionKey === mainSessionKey ? "main" : "session",
      matchedBy: hitTier,
    };
  };

  return {
    resolve,
    explain(input) {
      const route = resolve(input);
      const normalized = normalizeRouteInput(input);
      const members = channels.get(normalized.channel)?.members ?? [];
      return explainRoute({ route, input: normalized, members, rawBindings, roster, winnerIndex: lastHit });
    },
    defaultAgentId,
    warnings: roster.warnings,
  };
}
