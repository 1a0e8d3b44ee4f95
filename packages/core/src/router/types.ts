/** Which tier chose the agent (spec §2.4); `default` when no binding matched. */
export type RouteMatchedBy =
  | "binding.peer"
  | "binding.peer.parent"
  | "binding.peer.wildcard"
  | "binding.guild+roles"
  | "binding.guild"
  | "binding.team"
  | "binding.account"
  | "binding.channel"
  | "default";

/** The tiers in priority order; a lower index wins. */
export const ROUTE_TIERS: readonly RouteMatchedBy[] = [
  "binding.peer",
  "binding.peer.parent",
  "binding.peer.wildcard",
  "binding.guild+roles",
  "binding.guild",
  "binding.team",
  "binding.account",
  "binding.channel",
  "default",
];

/** A peer as callers pass it: `kind` may be an alias (`dm`, `supergroup`), `id` a number or bigint. */
export interface RoutePeerInput {
  kind?: string | null;
  id?: string | number | bigint | null;
}

/** One inbound message, as the router sees it (spec §2.1). Odd values never throw. */
export interface RouteInput {
  channel: string;
  /** Missing or blank means the account named `default`. */
  accountId?: string | null;
  peer?: RoutePeerInput | null;
  /** Thread or forum-topic parent; matched against peer bindings as `binding.peer.parent`. */
  parentPeer?: RoutePeerInput | null;
  guildId?: string | number | bigint | null;
  teamId?: string | number | bigint | null;
  memberRoleIds?: readonly string[] | null;
}

/** The compatibility input of `resolveAgentRoute`: a route input plus the config it runs on. */
export interface ResolveAgentRouteParams extends RouteInput {
  /** An `openclaw.json`-shaped object; only `agents`, `bindings` and `session` are read. */
  cfg: unknown;
}

/** A resolved route (spec §2.7). Every call returns a fresh object. */
export interface ResolvedAgentRoute {
  agentId: string;
  channel: string;
  accountId: string;
  sessionKey: string;
  /** `agent:<agentId>:main`. */
  mainSessionKey: string;
  /** `main` when `sessionKey` is the main key, else `session`: where last-route bookkeeping goes. */
  lastRoutePolicy: "main" | "session";
  matchedBy: RouteMatchedBy;
}

/** The tier a binding lives in; a binding can only ever match in its own tier (spec §2.4). */
export type BindingBucket =
  | "peer"
  | "peer.wildcard"
  | "guild+roles"
  | "guild"
  | "team"
  | "account"
  | "channel";

/**
 * The `matchedBy` each bucket reports (a peer binding can also match as `binding.peer.parent`,
 * through a thread's parent).
 */
export const BUCKET_TIERS: Readonly<Record<BindingBucket, RouteMatchedBy>> = {
  peer: "binding.peer",
  "peer.wildcard": "binding.peer.wildcard",
  "guild+roles": "binding.guild+roles",
  guild: "binding.guild",
  team: "binding.team",
  account: "binding.account",
  channel: "binding.channel",
};

/** Why a binding on the inbound channel did not decide the route. */
export type CandidateReason =
  /** Its account pattern does not cover the inbound account. */
  | "account-mismatch"
  /** An unknown peer kind or an empty peer id: it can never match. */
  | "unmatchable"
  /** One of its constraints (AND semantics) failed; `failed` says which. */
  | "constraint-failed"
  /** It matched, but in a tier below the winner's. */
  | "lower-tier"
  /** It matched in the winning tier, but the winner comes first in config order. */
  | "later-in-tier";

/** The constraint that kept a binding from matching. */
export type FailedConstraint = "peer-missing" | "peer-kind" | "peer-id" | "guild" | "team" | "roles";

/** A losing binding, as {@link RouteExplanation} reports it. */
export interface RouteCandidate {
  /** Position in `cfg.bindings`. */
  index: number;
  /** The binding's agent id, normalised (before any agents.list fallback). */
  agentId: string;
  /** The only tier it can match in, or `unmatchable`. */
  bucket: BindingBucket | "unmatchable";
  reason: CandidateReason;
  /** Set when `reason` is `constraint-failed`. */
  failed?: FailedConstraint;
  /** The tier it did match in, for `lower-tier` and `later-in-tier`. */
  matchedTier?: RouteMatchedBy;
  /** One human-readable sentence. */
  detail: string;
}

/** The normalised input the router actually matched on. */
export interface NormalizedRouteInput {
  channel: string;
  accountId: string;
  peer: { kind: string; id: string } | null;
  parentPeer: { kind: string; id: string } | null;
  guildId: string;
  teamId: string;
  memberRoleIds: string[];
}

/** The winning binding of an explained route. */
export interface RouteWinner {
  /** Position in `cfg.bindings`. */
  index: number;
  /** The agent the binding names, normalised. */
  boundAgentId: string;
  /** True when that agent is not in a non-empty `agents.list`, so the default agent runs instead. */
  agentFallback: boolean;
  bucket: BindingBucket;
}

/** Why a route came out the way it did; see `CompiledRouter.explain`. */
export interface RouteExplanation {
  route: ResolvedAgentRoute;
  matchedBy: RouteMatchedBy;
  /** `null` when no binding matched and the default agent runs. */
  winner: RouteWinner | null;
  input: NormalizedRouteInput;
  /** Every other route binding on the inbound channel, in config order, with why it lost. */
  candidates: RouteCandidate[];
  /** Readable lines (e.g. the agent fallback) for CLI output. */
  notes: string[];
}

/** A router compiled from one config; see `compileRouter`. */
export interface CompiledRouter {
  /** Resolves a route in a few map lookups; returns a fresh object every call; never throws. */
  resolve(input: RouteInput): ResolvedAgentRoute;
  /** Resolves like `resolve` and reports the winning tier and binding and why every other binding lost. */
  explain(input: RouteInput): RouteExplanation;
  /** The default agent (spec §1.1). */
  readonly defaultAgentId: string;
  /** Config oddities noticed while compiling (e.g. several agents marked default). */
  readonly warnings: readonly string[];
}
