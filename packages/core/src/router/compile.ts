import { MAIN_SESSION_KEY } from "../session/key.js";
import { readAgentRoster } from "./agents.js";
import { buildBindingIndexes } from "./build-index.js";
import { readBindings, roleText } from "./config-read.js";
import { explainRoute } from "./explain.js";
import { normalizeAccountId, normalizeChannelId, normalizePeerId, normalizePeerKind } from "./ids.js";
import { normalizeRouteInput } from "./normalize-input.js";
import { type ChannelIndex, NONE, satisfies, type TierIndex } from "./route-index.js";
import { createSessionKeyer } from "./session-keyer.js";
import {
  type CompiledRouter,
  type ResolvedAgentRoute,
  ROUTE_TIERS,
  type RouteInput,
  type RouteMatchedBy,
} from "./types.js";

/** Trims an id, skipping the builtin when both ends are plain ASCII (the common case). */
function trimId(id: string): string {
  const last = id.length - 1;
  if (last < 0) return id;
  const first = id.charCodeAt(0);
  const end = id.charCodeAt(last);
  return first > 32 && first < 127 && end > 32 && end < 127 ? id : id.trim();
}

function kindOf(raw: unknown): string {
  return raw === "direct" || raw === "group" || raw === "channel" ? raw : normalizePeerKind(raw);
}

const isMatchableKind = (kind: string | undefined): kind is string =>
  kind === "direct" || kind === "group" || kind === "channel";

// A hit is encoded as `index * TIER_SPAN + tier`, so the hot path returns one number and writes no
// shared state; -1 (NONE) means no binding matched.
const TIER_SPAN = 16;
const PEER = 0;
const PARENT = 1;
const WILDCARD = 2;
const GUILD_ROLES = 3;
const GUILD = 4;
const TEAM = 5;
const ACCOUNT = 6;
const CHANNEL = 7;
const encode = (index: number, tier: number): number => (index === NONE ? NONE : index * TIER_SPAN + tier);

/**
 * Compiles a config's bindings once into indexes per channel, account and tier, so resolving a route
 * costs a few map lookups whatever the number of bindings. Results equal the plain algorithm of spec
 * §2 (see `resolveAgentRouteReference`). The config is read now; to change routing, compile again.
 * Never throws, whatever `cfg` holds.
 */
export function compileRouter(cfg: unknown): CompiledRouter {
  const rawBindings = readBindings(cfg).slice();
  const roster = readAgentRoster(cfg);
  const { channels, table, usage } = buildBindingIndexes(rawBindings, roster);
  const { slots, next, constraintOf } = table;
  const hasConstraints = constraintOf.length > 0;
  const readsConstraints = usage.guildId || usage.teamId || usage.memberRoleIds;
  const keyer = createSessionKeyer(cfg);
  const dmScopeIsMain = keyer.dmScope === "main";
  const defaultAgentId = roster.defaultAgentId;
  const defaultMainKey = `agent:${defaultAgentId}:${MAIN_SESSION_KEY}`;

  // One-entry memo of the last raw (channel, accountId) pair: consecutive messages usually share it.
  // A nullish accountId is memoised as "" (both normalise to `default`), so the checks stay plain
  // string compares in the common case. Seeded below with a consistent state.
  let memoChannelRaw: unknown = "";
  let memoAccountRaw: unknown = "";
  let memoChannel = "";
  let memoAccount = "";
  let memoAccountIndex: TierIndex | undefined;
  let memoStarIndex: TierIndex | undefined;

  // Inbound constraint values shared with the helpers below; only written when some binding reads
  // them (resolve is synchronous and never re-entered).
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
    const head = (kind === "direct" ? tiers.peerDirect : tiers.peerGroup)?.get(id);
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
  const guildRolesIn = (tiers: TierIndex | undefined, memberRoles: readonly unknown[]): number => {
    const byRole = tiers?.guildRoles?.get(guildId);
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

  /** The tiers after the exact-peer one (spec §2.4, tiers 2–8), as an encoded hit. */
  const locateRest = (
    acct: TierIndex | undefined,
    star: TierIndex | undefined,
    peerKind: string | undefined,
    parentKind: string,
    parentId: string,
  ): number => {
    let hit = NONE;
    if (parentId !== "" && isMatchableKind(parentKind)) {
      hit = earlier(peerIn(acct, parentKind, parentId), peerIn(star, parentKind, parentId));
      if (hit !== NONE) return encode(hit, PARENT);
    }
    if (isMatchableKind(peerKind)) {
      hit = earlier(wildIn(acct, peerKind), wildIn(star, peerKind));
      if (hit !== NONE) return encode(hit, WILDCARD);
    }
    if (guildId !== "") {
      if (roles !== undefined && roles.length > 0) {
        hit = earlier(guildRolesIn(acct, roles), guildRolesIn(star, roles));
        if (hit !== NONE) return encode(hit, GUILD_ROLES);
      }
      hit = earlier(keyedIn(acct?.guild, guildId), keyedIn(star?.guild, guildId));
      if (hit !== NONE) return encode(hit, GUILD);
    }
    if (teamId !== "") {
      hit = earlier(keyedIn(acct?.team, teamId), keyedIn(star?.team, teamId));
      if (hit !== NONE) return encode(hit, TEAM);
    }
    if (acct !== undefined && acct.rest !== NONE) {
      hit = firstIn(acct.rest);
      if (hit !== NONE) return encode(hit, ACCOUNT);
    }
    if (star !== undefined && star.rest !== NONE) return encode(firstIn(star.rest), CHANNEL);
    return NONE;
  };

  const selectIndexes = (channelRaw: unknown, accountRaw: unknown): void => {
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

  selectIndexes("", "");

  const resolve = (input: RouteInput): ResolvedAgentRoute => {
    if (typeof input !== "object" || input === null) input = { channel: "" };
    const channelRaw: unknown = input.channel;
    const accountRaw: unknown = input.accountId ?? "";
    if (channelRaw !== memoChannelRaw || accountRaw !== memoAccountRaw) selectIndexes(channelRaw, accountRaw);
    const acct = memoAccountIndex;
    const star = memoStarIndex;

    const peer: unknown = input.peer;
    let peerKind: string | undefined;
    let peerId = "";
    // An array is not a peer (it would otherwise be keyed as a present peer with an empty id).
    if (typeof peer === "object" && peer !== null && !Array.isArray(peer)) {
      peerKind = kindOf((peer as { kind?: unknown }).kind);
      const rawId = (peer as { id?: unknown }).id;
      peerId = typeof rawId === "string" ? trimId(rawId) : normalizePeerId(rawId);
    }
    // Fields no binding looks at are never read (and their shared values stay empty).
    if (readsConstraints) {
      if (usage.guildId) guildId = normalizePeerId(input.guildId);
      if (usage.teamId) teamId = normalizePeerId(input.teamId);
      if (usage.memberRoleIds) {
        const memberRoleIds: unknown = input.memberRoleIds;
        roles = Array.isArray(memberRoleIds) ? memberRoleIds : undefined;
      }
    }

    let hit = NONE;
    if (acct !== undefined || star !== undefined) {
      if (peerId !== "" && isMatchableKind(peerKind)) {
        hit = encode(earlier(peerIn(acct, peerKind, peerId), peerIn(star, peerKind, peerId)), PEER);
      }
      if (hit === NONE) {
        const parent: unknown = usage.parentPeer ? input.parentPeer : undefined;
        let parentKind = "";
        let parentId = "";
        if (typeof parent === "object" && parent !== null && !Array.isArray(parent)) {
          parentKind = normalizePeerKind((parent as { kind?: unknown }).kind);
          parentId = normalizePeerId((parent as { id?: unknown }).id);
        }
        hit = locateRest(acct, star, peerKind, parentKind, parentId);
      }
    }

    let agentId = defaultAgentId;
    let mainSessionKey = defaultMainKey;
    let matchedBy: RouteMatchedBy = "default";
    if (hit !== NONE) {
      const slot = (hit >> 4) * 2;
      matchedBy = ROUTE_TIERS[hit & (TIER_SPAN - 1)]!;
      agentId = slots[slot]!;
      const known = slots[slot + 1];
      if (known === undefined) {
        mainSessionKey = `agent:${agentId}:${MAIN_SESSION_KEY}`;
        slots[slot + 1] = mainSessionKey;
      } else {
        mainSessionKey = known;
      }
    }
    const channel = memoChannel;
    const accountId = memoAccount;
    const direct = peerKind === undefined || peerKind === "" || peerKind === "direct";
    const sessionKey =
      direct && dmScopeIsMain
        ? mainSessionKey
        : keyer.build(agentId, mainSessionKey, channel, accountId, peerKind, peerId);
    return {
      agentId,
      channel,
      accountId,
      sessionKey,
      mainSessionKey,
      lastRoutePolicy: sessionKey === mainSessionKey ? "main" : "session",
      matchedBy,
    };
  };

  return {
    resolve,
    explain(input) {
      const route = resolve(input);
      const normalized = normalizeRouteInput(input);
      const members = channels.get(normalized.channel)?.members ?? [];
      return explainRoute({ route, input: normalized, members, rawBindings, roster });
    },
    defaultAgentId,
    warnings: roster.warnings,
  };
}
