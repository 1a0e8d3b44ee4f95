export { type AgentRoster, pickAgentId, readAgentRoster } from "./agents.js";
export { type NormalizedBinding, normalizeBinding } from "./binding.js";
export { compileRouter } from "./compile.js";
export {
  DEFAULT_ACCOUNT_ID,
  DEFAULT_AGENT_ID,
  isKnownPeerKind,
  normalizeAccountId,
  normalizeAgentId,
  normalizeChannelId,
  normalizePeerId,
  normalizePeerKind,
  peerKindsMatch,
} from "./ids.js";
export { normalizeRouteInput } from "./normalize-input.js";
export { matchAgentRouteReference, type ReferenceMatch, resolveAgentRouteReference } from "./reference.js";
export { resolveAgentRoute, routerForConfig } from "./resolve-agent-route.js";
export {
  type BindingBucket,
  BUCKET_TIERS,
  type CandidateReason,
  type CompiledRouter,
  type FailedConstraint,
  type NormalizedRouteInput,
  type ResolveAgentRouteParams,
  type ResolvedAgentRoute,
  ROUTE_TIERS,
  type RouteCandidate,
  type RouteExplanation,
  type RouteInput,
  type RouteMatchedBy,
  type RoutePeerInput,
  type RouteWinner,
} from "./types.js";
