import type { AgentRoster } from "./agents.js";
import { type NormalizedBinding, normalizeBinding } from "./binding.js";
import { peerKindsMatch } from "./ids.js";
import {
  type BindingBucket,
  BUCKET_TIERS,
  type FailedConstraint,
  type NormalizedRouteInput,
  type ResolvedAgentRoute,
  ROUTE_TIERS,
  type RouteCandidate,
  type RouteExplanation,
  type RouteMatchedBy,
} from "./types.js";

/** What the compiled router knows when it explains one resolution. */
export interface ExplainContext {
  route: ResolvedAgentRoute;
  input: NormalizedRouteInput;
  /** Indexes of the route bindings on the inbound channel, in config order. */
  members: readonly number[];
  rawBindings: readonly unknown[];
  roster: AgentRoster;
}

interface Failure {
  failed: FailedConstraint;
  detail: string;
}
type Evaluation = { tier: RouteMatchedBy } | Failure;

const quote = (value: string): string => JSON.stringify(value);
const rank = (tier: RouteMatchedBy): number => ROUTE_TIERS.indexOf(tier);

function checkConstraints(binding: NormalizedBinding, input: NormalizedRouteInput): Failure | undefined {
  if (binding.guildId !== "" && binding.guildId !== input.guildId) {
    return {
      failed: "guild",
      detail:
        input.guildId === ""
          ? `needs guildId ${quote(binding.guildId)}; the message has none`
          : `guildId ${quote(binding.guildId)} ≠ inbound ${quote(input.guildId)}`,
    };
  }
  if (binding.teamId !== "" && binding.teamId !== input.teamId) {
    return {
      failed: "team",
      detail:
        input.teamId === ""
          ? `needs teamId ${quote(binding.teamId)}; the message has none`
          : `teamId ${quote(binding.teamId)} ≠ inbound ${quote(input.teamId)}`,
    };
  }
  const roles = binding.roles;
  if (roles !== undefined && !roles.some((role) => input.memberRoleIds.includes(role))) {
    const listed = `[${roles.map(quote).join(", ")}]`;
    return {
      failed: "roles",
      detail:
        input.memberRoleIds.length === 0
          ? `needs one of roles ${listed}; the sender has no roles`
          : `none of roles ${listed} is among the sender's roles`,
    };
  }
  return undefined;
}

function checkPeer(
  binding: NormalizedBinding,
  peer: NormalizedRouteInput["peer"],
  label: string,
  wildcard: boolean,
): Failure | undefined {
  if (peer === null) return { failed: "peer-missing", detail: `needs a ${label}; the message has none` };
  if (!peerKindsMatch(binding.peerKind, peer.kind)) {
    return {
      failed: "peer-kind",
      detail: `peer kind ${binding.peerKind} does not match the ${label} kind ${quote(peer.kind)}`,
    };
  }
  if (!wildcard && binding.peerId !== peer.id) {
    return { failed: "peer-id", detail: `peer id ${quote(binding.peerId)} ≠ ${label} id ${quote(peer.id)}` };
  }
  return undefined;
}

/** The tier a binding matches the input in, or the constraint that failed (spec §2.4). */
export function evaluateBinding(binding: NormalizedBinding, input: NormalizedRouteInput): Evaluation {
  if (binding.bucket === "peer") {
    const direct = checkPeer(binding, input.peer, "peer", false) ?? checkConstraints(binding, input);
    if (direct === undefined) return { tier: "binding.peer" };
    const parent = input.parentPeer;
    if (parent === null || parent.id === "") return direct;
    const viaParent = checkPeer(binding, parent, "parent peer", false) ?? checkConstraints(binding, input);
    if (viaParent === undefined) return { tier: "binding.peer.parent" };
    return { failed: direct.failed, detail: `${direct.detail}; via parent: ${viaParent.detail}` };
  }
  if (binding.bucket === "unmatchable") return { failed: "peer-kind", detail: binding.unmatchableReason };
  const failure =
    (binding.bucket === "peer.wildcard" ? checkPeer(binding, input.peer, "peer", true) : undefined) ??
    checkConstraints(binding, input);
  return failure ?? { tier: BUCKET_TIERS[binding.bucket] };
}

function accountMismatch(binding: NormalizedBinding, accountId: string): string | undefined {
  if (binding.accountPattern === "*" || binding.accountPattern === accountId) return undefined;
  if (binding.accountOmitted) {
    return `no match.accountId: matches only the account "default", not ${quote(accountId)} (use accountId "*" for every account)`;
  }
  return `accountId ${quote(binding.accountPattern)} ≠ inbound ${quote(accountId)}`;
}

function candidateFor(
  binding: NormalizedBinding,
  input: NormalizedRouteInput,
  winnerTier: RouteMatchedBy,
  winnerIndex: number,
): RouteCandidate {
  const base = { index: binding.index, agentId: binding.agentId };
  const bucket = binding.bucket;
  const mismatch = accountMismatch(binding, input.accountId);
  if (mismatch !== undefined) return { ...base, bucket, reason: "account-mismatch", detail: mismatch };
  if (binding.bucket === "unmatchable") {
    return {
      ...base,
      bucket,
      reason: "unmatchable",
      detail: `${binding.unmatchableReason}; it can never match`,
    };
  }
  const evaluation = evaluateBinding(binding, input);
  if ("failed" in evaluation) {
    return {
      ...base,
      bucket,
      reason: "constraint-failed",
      failed: evaluation.failed,
      detail: evaluation.detail,
    };
  }
  const tier = evaluation.tier;
  if (rank(tier) > rank(winnerTier)) {
    return {
      ...base,
      bucket,
      reason: "lower-tier",
      matchedTier: tier,
      detail: `matches as ${tier}, but ${winnerTier} outranks it`,
    };
  }
  return {
    ...base,
    bucket,
    reason: "later-in-tier",
    matchedTier: tier,
    detail: `matches as ${tier} too, but bindings[${winnerIndex}] comes first in config order`,
  };
}

/** Builds the explanation of a resolved route: the winner and why every other binding lost. */
export function explainRoute(context: ExplainContext): RouteExplanation {
  const { route, input, roster } = context;
  const bindings = context.members
    .map((index) => normalizeBinding(context.rawBindings[index], index))
    .filter((binding) => binding !== undefined);
  // The winner is the first binding, in config order, that matches in the route's tier: found again
  // here from the bindings themselves, so the hot path needs to record nothing.
  const winnerIndex =
    route.matchedBy === "default"
      ? -1
      : (bindings.find((binding) => {
          if (binding.bucket === "unmatchable" || accountMismatch(binding, input.accountId) !== undefined)
            return false;
          const evaluation = evaluateBinding(binding, input);
          return "tier" in evaluation && evaluation.tier === route.matchedBy;
        })?.index ?? -1);
  const notes: string[] = [];
  const candidates: RouteCandidate[] = [];
  let winner: RouteExplanation["winner"] = null;
  for (const binding of bindings) {
    const index = binding.index;
    if (index !== winnerIndex) {
      candidates.push(candidateFor(binding, input, route.matchedBy, winnerIndex));
      continue;
    }
    const agentFallback = roster.ids.size > 0 && !roster.ids.has(binding.agentId);
    winner = { index, boundAgentId: binding.agentId, agentFallback, bucket: binding.bucket as BindingBucket };
    notes.push(`bindings[${index}] wins as ${route.matchedBy}`);
    if (agentFallback) {
      notes.push(
        `agent ${quote(binding.agentId)} is not in agents.list, so the default agent ${quote(route.agentId)} runs instead`,
      );
    }
  }
  if (winner === null) notes.push(`no binding matched; the default agent ${quote(route.agentId)} runs`);
  return { route, matchedBy: route.matchedBy, winner, input, candidates, notes };
}
