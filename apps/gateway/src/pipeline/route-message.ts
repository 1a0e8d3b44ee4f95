import {
  type CompiledRouter,
  type InboundEnvelope,
  normalizeAgentId,
  parseAgentSessionKey,
  type ResolvedAgentRoute,
  resolveThreadSessionKey,
} from "@patchbay/core";

/**
 * Which agent answers and in which session (pipeline step 3): the compiled bindings, then the
 * layers above them (spec §2.7): a Telegram topic's `agentId` replaces the agent, and a Slack
 * thread reply gets its own `:thread:<ts>` session.
 */
export function routeMessage(
  router: CompiledRouter,
  envelope: Omit<InboundEnvelope, "raw">,
  agentOverride: string | undefined,
): { route: ResolvedAgentRoute; bindingIndex: number | null } {
  const explained = router.explain({
    channel: envelope.channel,
    accountId: envelope.accountId,
    peer: envelope.peer,
    parentPeer: envelope.parentPeer ?? null,
    guildId: envelope.guildId ?? null,
    teamId: envelope.teamId ?? null,
    memberRoleIds: envelope.memberRoleIds ?? null,
  });
  let route = explained.route;
  if (agentOverride) route = withAgent(route, agentOverride);
  if (envelope.threadId && envelope.channel === "slack") {
    route = { ...route, sessionKey: resolveThreadSessionKey(route.sessionKey, envelope.threadId) };
  }
  return { route, bindingIndex: explained.winner?.index ?? null };
}

/** The same route answered by another agent: agent id and both session keys rebuilt. */
function withAgent(route: ResolvedAgentRoute, override: string): ResolvedAgentRoute {
  const agentId = normalizeAgentId(override);
  const rest = parseAgentSessionKey(route.sessionKey)?.rest ?? "main";
  const sessionKey = `agent:${agentId}:${rest}`;
  const mainSessionKey = `agent:${agentId}:main`;
  return {
    ...route,
    agentId,
    sessionKey,
    mainSessionKey,
    lastRoutePolicy: sessionKey === mainSessionKey ? "main" : "session",
  };
}
