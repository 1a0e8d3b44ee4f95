import { compileRouter } from "./compile.js";
import type { CompiledRouter, ResolveAgentRouteParams, ResolvedAgentRoute } from "./types.js";

interface CacheEntry {
  bindings: unknown;
  bindingCount: number;
  agents: unknown;
  agentList: unknown;
  session: unknown;
  dmScope: unknown;
  identityLinks: unknown;
  router: CompiledRouter;
}

type Rec = Record<string, unknown>;
const rec = (value: unknown): Rec | undefined =>
  typeof value === "object" && value !== null ? (value as Rec) : undefined;

const routers = new WeakMap<object, CacheEntry>();
let emptyRouter: CompiledRouter | undefined;

function snapshot(cfg: Rec): Omit<CacheEntry, "router"> {
  const bindings = cfg.bindings;
  const agents = cfg.agents;
  const session = cfg.session;
  return {
    bindings,
    bindingCount: Array.isArray(bindings) ? bindings.length : -1,
    agents,
    agentList: rec(agents)?.list,
    session,
    dmScope: rec(session)?.dmScope,
    identityLinks: rec(session)?.identityLinks,
  };
}

function isCurrent(entry: CacheEntry, cfg: Rec): boolean {
  const bindings = cfg.bindings;
  const agents = cfg.agents;
  const session = cfg.session;
  return (
    entry.bindings === bindings &&
    entry.bindingCount === (Array.isArray(bindings) ? bindings.length : -1) &&
    entry.agents === agents &&
    entry.agentList === rec(agents)?.list &&
    entry.session === session &&
    entry.dmScope === rec(session)?.dmScope &&
    entry.identityLinks === rec(session)?.identityLinks
  );
}

/**
 * The compiled router for a config object, compiled on first use and kept per object. It is
 * recompiled when `cfg.bindings`, `cfg.agents` (or its `list`) or `cfg.session` (or its `dmScope`,
 * `identityLinks`) change identity, or the bindings array changes length. Mutating a binding object in
 * place is not detected: replace the array instead.
 */
export function routerForConfig(cfg: unknown): CompiledRouter {
  const record = rec(cfg);
  if (record === undefined) {
    emptyRouter ??= compileRouter(undefined);
    return emptyRouter;
  }
  const entry = routers.get(record);
  if (entry !== undefined && isCurrent(entry, record)) return entry.router;
  const router = compileRouter(record);
  routers.set(record, { ...snapshot(record), router });
  return router;
}

/**
 * OpenClaw's `resolveAgentRoute` (spec §2): picks the agent and session key for one inbound message.
 * A thin wrapper over a router compiled once per config object; returns a fresh object every call
 * and never throws on odd input.
 */
export function resolveAgentRoute(params: ResolveAgentRouteParams): ResolvedAgentRoute {
  const input = rec(params) as ResolveAgentRouteParams | undefined;
  return routerForConfig(input?.cfg).resolve(input ?? { channel: "" });
}
