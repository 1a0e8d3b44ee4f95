import type { NormalizedBinding } from "./binding.js";
import { roleText } from "./config-read.js";

/**
 * Extra AND constraints a binding carries beyond the key it is indexed by (spec §2.4). Empty
 * strings mean "no constraint".
 */
export interface Constraint {
  readonly guildId: string;
  readonly teamId: string;
  readonly roles: readonly string[] | undefined;
}

/** No binding. Chains and buckets hold binding indexes (config order), linked through `next`. */
export const NONE = -1;

/**
 * The buckets of one channel for one account pattern (a specific account, or `*`). Every value is the
 * index of the first binding of a chain in config order; `BindingTable.next` links the rest.
 */
export class TierIndex {
  peerDirect: Map<string, number> | undefined;
  /** `group` and `channel` peers share one map: the kinds are interchangeable for matching. */
  peerGroup: Map<string, number> | undefined;
  wildDirect = NONE;
  wildGroup = NONE;
  /** guild → role → binding indexes in config order. */
  guildRoles: Map<string, Map<string, number[]>> | undefined;
  guild: Map<string, number> | undefined;
  team: Map<string, number> | undefined;
  /** The account tier (specific-account index) or the channel tier (the `*` index). */
  rest = NONE;
}

/** All bindings of one channel. */
export class ChannelIndex {
  readonly accounts = new Map<string, TierIndex>();
  star: TierIndex | undefined;
  /** Indexes of every route binding on this channel, in config order (for explain). */
  readonly members: number[] = [];
}

/** Which inbound fields any binding looks at; the others need not be read at all. */
export interface InputUsage {
  parentPeer: boolean;
  guildId: boolean;
  teamId: boolean;
  memberRoleIds: boolean;
}

/** Per-binding columns, indexed by position in `cfg.bindings`. */
export interface BindingTable {
  /**
   * Two slots per binding, side by side so one cache line serves both: `[2i]` the agent that runs
   * when binding i wins (after the agents.list fallback), `[2i+1]` its main session key, filled on
   * first use.
   */
  readonly slots: Array<string | undefined>;
  /** The next binding of the same chain, or {@link NONE}. */
  readonly next: Int32Array;
  /** Extra constraints; `undefined` when the binding's key is all it needs. */
  readonly constraintOf: Array<Constraint | undefined>;
}

/** Whether an inbound message satisfies a binding's extra constraints. */
export function satisfies(
  constraint: Constraint,
  guildId: string,
  teamId: string,
  memberRoleIds: readonly unknown[] | undefined,
): boolean {
  if (constraint.guildId !== "" && constraint.guildId !== guildId) return false;
  if (constraint.teamId !== "" && constraint.teamId !== teamId) return false;
  return constraint.roles === undefined || hasAnyRole(constraint.roles, memberRoleIds);
}

/** True when at least one member role is among the required ones (exact strings). */
export function hasAnyRole(
  required: readonly string[],
  memberRoleIds: readonly unknown[] | undefined,
): boolean {
  if (memberRoleIds === undefined) return false;
  for (const member of memberRoleIds) {
    const role = roleText(member);
    if (role !== undefined && required.includes(role)) return true;
  }
  return false;
}

/** The constraint a binding keeps once its bucket key has matched. */
export function constraintFor(binding: NormalizedBinding): Constraint | undefined {
  const guildId = binding.bucket === "guild" || binding.bucket === "guild+roles" ? "" : binding.guildId;
  const teamId = binding.bucket === "team" ? "" : binding.teamId;
  const roles = binding.bucket === "guild+roles" ? undefined : binding.roles;
  if (guildId === "" && teamId === "" && roles === undefined) return undefined;
  return { guildId, teamId, roles };
}
