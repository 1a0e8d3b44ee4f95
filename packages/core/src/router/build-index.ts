import { type AgentRoster, pickAgentId } from "./agents.js";
import { type NormalizedBinding, normalizeBinding } from "./binding.js";
import {
  type BindingTable,
  ChannelIndex,
  type Constraint,
  constraintFor,
  type InputUsage,
  NONE,
  TierIndex,
} from "./route-index.js";

/** The compiled form of `cfg.bindings`. */
export interface BindingIndexes {
  readonly channels: Map<string, ChannelIndex>;
  readonly table: BindingTable;
  readonly usage: InputUsage;
}

/**
 * Compiles bindings into per-channel, per-account-pattern tier indexes. Chains stay in config order;
 * a binding listed after an unconstrained one with the same key can never win, so it is left out of
 * the chain (explain still sees it through `ChannelIndex.members`).
 */
export function buildBindingIndexes(rawBindings: readonly unknown[], roster: AgentRoster): BindingIndexes {
  const count = rawBindings.length;
  const slots = new Array<string | undefined>(count * 2);
  const usage: InputUsage = { parentPeer: false, guildId: false, teamId: false, memberRoleIds: false };
  const next = new Int32Array(count).fill(NONE);
  let constraintOf: Array<Constraint | undefined> = [];
  const tail = new Int32Array(count);
  const closed = new Uint8Array(count);
  const channels = new Map<string, ChannelIndex>();

  // A chain is closed once it holds an unconstrained binding: nothing after it can ever win.
  const append = (head: number, index: number, unconstrained: boolean): number => {
    if (head === NONE) {
      tail[index] = index;
      closed[index] = unconstrained ? 1 : 0;
      return index;
    }
    if (closed[head] === 1) return head;
    next[tail[head]!] = index;
    tail[head] = index;
    if (unconstrained) closed[head] = 1;
    return head;
  };
  const appendKeyed = (
    map: Map<string, number>,
    key: string,
    index: number,
    unconstrained: boolean,
  ): void => {
    map.set(key, append(map.get(key) ?? NONE, index, unconstrained));
  };

  for (let index = 0; index < count; index++) {
    const binding = normalizeBinding(rawBindings[index], index);
    if (binding === undefined) continue;
    let channel = channels.get(binding.channel);
    if (channel === undefined) {
      channel = new ChannelIndex();
      channels.set(binding.channel, channel);
    }
    channel.members.push(index);
    if (binding.bucket === "unmatchable") continue;

    // binding.agentId is normalised already, so picking is a set lookup at most.
    slots[index * 2] = pickAgentId(roster, binding.agentId);
    if (binding.bucket === "peer") usage.parentPeer = true;
    if (binding.guildId !== "") usage.guildId = true;
    if (binding.teamId !== "") usage.teamId = true;
    if (binding.roles !== undefined) usage.memberRoleIds = true;
    const constraint = constraintFor(binding);
    if (constraint !== undefined) {
      if (constraintOf.length === 0) constraintOf = new Array<Constraint | undefined>(count);
      constraintOf[index] = constraint;
    }
    insert(tierIndexFor(channel, binding), binding, constraint === undefined);
  }
  return { channels, table: { slots, next, constraintOf }, usage };

  function insert(tiers: TierIndex, binding: NormalizedBinding, unconstrained: boolean): void {
    const { index } = binding;
    switch (binding.bucket) {
      case "peer":
        if (binding.peerKind === "direct") {
          tiers.peerDirect ??= new Map();
          appendKeyed(tiers.peerDirect, binding.peerId, index, unconstrained);
        } else {
          tiers.peerGroup ??= new Map();
          appendKeyed(tiers.peerGroup, binding.peerId, index, unconstrained);
        }
        return;
      case "peer.wildcard":
        if (binding.peerKind === "direct") tiers.wildDirect = append(tiers.wildDirect, index, unconstrained);
        else tiers.wildGroup = append(tiers.wildGroup, index, unconstrained);
        return;
      case "guild+roles": {
        tiers.guildRoles ??= new Map();
        const byRole = tiers.guildRoles.get(binding.guildId) ?? new Map<string, number[]>();
        tiers.guildRoles.set(binding.guildId, byRole);
        for (const role of new Set(binding.roles)) {
          const list = byRole.get(role);
          if (list === undefined) byRole.set(role, [index]);
          else list.push(index);
        }
        return;
      }
      case "guild":
        tiers.guild ??= new Map();
        appendKeyed(tiers.guild, binding.guildId, index, unconstrained);
        return;
      case "team":
        tiers.team ??= new Map();
        appendKeyed(tiers.team, binding.teamId, index, unconstrained);
        return;
      default:
        tiers.rest = append(tiers.rest, index, unconstrained);
    }
  }
}

function tierIndexFor(channel: ChannelIndex, binding: NormalizedBinding): TierIndex {
  if (binding.accountPattern === "*") {
    channel.star ??= new TierIndex();
    return channel.star;
  }
  let tiers = channel.accounts.get(binding.accountPattern);
  if (tiers === undefined) {
    tiers = new TierIndex();
    channel.accounts.set(binding.accountPattern, tiers);
  }
  return tiers;
}
