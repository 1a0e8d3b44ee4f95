import { readAgentRoster } from "../router/agents.js";
import { asRecord, readSession } from "../router/config-read.js";
import { normalizeAgentId, normalizeChannelId, normalizePeerId, normalizePeerKind } from "../router/ids.js";
import type { ResolvedAgentRoute, RoutePeerInput } from "../router/types.js";
import { buildAgentMainSessionKey, buildAgentSessionKey } from "../session/key.js";

/** How broadcast agents run: all at once (default) or one after another in list order. */
export type BroadcastStrategy = "parallel" | "sequential";

/** One agent run of a (possibly broadcast) message. */
export interface BroadcastRun {
  agentId: string;
  sessionKey: string;
  mainSessionKey: string;
}

/** The runs for one message and the warnings about skipped agents. */
export interface BroadcastRuns {
  runs: BroadcastRun[];
  warnings: string[];
}

/** What {@link resolveBroadcastRuns} needs: the config, the ordinary route and the inbound peer. */
export interface ResolveBroadcastRunsParams {
  cfg: unknown;
  route: Pick<ResolvedAgentRoute, "agentId" | "accountId" | "sessionKey" | "mainSessionKey">;
  channel: string;
  peer: RoutePeerInput | null | undefined;
}

/** Broadcast groups exist only on WhatsApp (spec §5). */
const BROADCAST_CHANNEL = "whatsapp";
const STRATEGY_KEY = "strategy";

/** `broadcast.strategy`: `sequential` when configured so, else `parallel`. */
export function resolveBroadcastStrategy(cfg: unknown): BroadcastStrategy {
  return asRecord(asRecord(cfg)?.broadcast)?.[STRATEGY_KEY] === "sequential" ? "sequential" : "parallel";
}

function ordinaryRun(route: ResolveBroadcastRunsParams["route"] | undefined): BroadcastRun {
  const agentId = normalizeAgentId(route?.agentId);
  const mainSessionKey =
    typeof route?.mainSessionKey === "string" ? route.mainSessionKey : buildAgentMainSessionKey(agentId);
  const sessionKey = typeof route?.sessionKey === "string" ? route.sessionKey : mainSessionKey;
  return { agentId, sessionKey, mainSessionKey };
}

/**
 * Fans one inbound message out to the agents `broadcast.<peerId>` lists (spec §5). WhatsApp only;
 * other channels, peers without an entry and empty lists give just the ordinary route. Agents
 * missing from a non-empty `agents.list` are skipped with a warning; a repeated agent runs once.
 * Each run is keyed for its own agent (groups by group id, DMs under `session.dmScope`, so the default
 * `main` scope writes to each agent's main session). When every agent is skipped the ordinary route
 * runs, with the warnings, so a message never vanishes. Never throws.
 */
export function resolveBroadcastRuns(params: ResolveBroadcastRunsParams): BroadcastRuns {
  const route = asRecord(params?.route) as ResolveBroadcastRunsParams["route"] | undefined;
  const ordinary = (warnings: string[]): BroadcastRuns => ({ runs: [ordinaryRun(route)], warnings });
  if (normalizeChannelId(params?.channel) !== BROADCAST_CHANNEL) return ordinary([]);

  const peer = asRecord(params.peer);
  const peerId = normalizePeerId(peer?.id);
  const broadcast = asRecord(asRecord(params.cfg)?.broadcast);
  if (
    broadcast === undefined ||
    peerId === "" ||
    peerId === STRATEGY_KEY ||
    !Object.hasOwn(broadcast, peerId)
  ) {
    return ordinary([]);
  }
  const listed = broadcast[peerId];
  if (!Array.isArray(listed) || listed.length === 0) return ordinary([]);

  const roster = readAgentRoster(params.cfg);
  const session = readSession(params.cfg);
  const kind = normalizePeerKind(peer?.kind) || "direct";
  const warnings: string[] = [];
  const runs: BroadcastRun[] = [];
  const seen = new Set<string>();
  for (const raw of listed) {
    const agentId = normalizeAgentId(raw);
    if (roster.ids.size > 0 && !roster.ids.has(agentId)) {
      warnings.push(`Broadcast agent ${agentId} not found in agents.list; skipping`);
      continue;
    }
    if (seen.has(agentId)) continue;
    seen.add(agentId);
    const sessionKey = buildAgentSessionKey({
      agentId,
      channel: BROADCAST_CHANNEL,
      accountId: typeof route?.accountId === "string" ? route.accountId : undefined,
      peer: { kind, id: peerId },
      dmScope: typeof session.dmScope === "string" ? session.dmScope : undefined,
      identityLinks: session.identityLinks,
    });
    runs.push({ agentId, sessionKey, mainSessionKey: buildAgentMainSessionKey(agentId) });
  }
  return runs.length === 0 ? ordinary(warnings) : { runs, warnings };
}
