import {
  compileRouter,
  isKnownPeerKind,
  KNOWN_CHANNEL_NAMES,
  normalizeChannelId,
  normalizePeerKind,
} from "@patchbay/core";
import { loadConfigFile } from "../../config/load-config.js";
import { resolvePaths } from "../../paths.js";
import { commonFlags, parseFlags } from "../args.js";
import { CliError, type CliIo, printJson } from "../io.js";

const USAGE =
  "patchbay route explain --channel C [--account A] [--peer KIND:ID] [--parent-peer KIND:ID] [--guild G] [--team T] [--roles R1,R2] [--config PATH] [--json]";

/** `KIND:ID`, split at the first colon only (ids such as `-100123:topic:42` contain colons). */
function parsePeer(value: string | undefined, flag: string): { kind: string; id: string } | undefined {
  if (value === undefined) return undefined;
  const at = value.indexOf(":");
  if (at <= 0 || at === value.length - 1)
    throw new CliError(`${flag} must look like KIND:ID (e.g. direct:+15551230001)`, 2);
  // An unknown kind would silently explain a route no message can take.
  const kind = normalizePeerKind(value.slice(0, at));
  if (!isKnownPeerKind(kind))
    throw new CliError(
      `${flag} kind must be direct (or dm), group or channel, not "${value.slice(0, at)}"`,
      2,
    );
  return { kind, id: value.slice(at + 1) };
}

export async function routeExplain(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags(
    argv,
    {
      ...commonFlags,
      channel: { type: "string" },
      account: { type: "string" },
      peer: { type: "string" },
      "parent-peer": { type: "string" },
      guild: { type: "string" },
      team: { type: "string" },
      roles: { type: "string" },
    },
    USAGE,
  );
  if (!values.channel) throw new CliError(`--channel is required\nUsage: ${USAGE}`, 2);
  const channel = normalizeChannelId(values.channel);
  if (!KNOWN_CHANNEL_NAMES.includes(channel)) {
    throw new CliError(`unknown channel "${values.channel}" (known: ${KNOWN_CHANNEL_NAMES.join(", ")})`, 2);
  }
  const { configPath, stateDir } = resolvePaths({ config: values.config }, io.env);
  const { config } = await loadConfigFile(configPath, { stateDir });
  const explanation = compileRouter(config).explain({
    channel,
    accountId: values.account ?? null,
    peer: parsePeer(values.peer, "--peer") ?? null,
    parentPeer: parsePeer(values["parent-peer"], "--parent-peer") ?? null,
    guildId: values.guild ?? null,
    teamId: values.team ?? null,
    memberRoleIds: values.roles ? values.roles.split(",").filter(Boolean) : null,
  });
  const { route, winner, candidates, notes } = explanation;
  if (values.json) {
    printJson(io, {
      agentId: route.agentId,
      sessionKey: route.sessionKey,
      mainSessionKey: route.mainSessionKey,
      matchedBy: route.matchedBy,
      bindingIndex: winner?.index ?? null,
      accountId: route.accountId,
      channel: route.channel,
      candidates,
      notes,
    });
    return 0;
  }
  io.out(`agent:       ${route.agentId}`);
  io.out(`session key: ${route.sessionKey}`);
  io.out(
    `matched by:  ${route.matchedBy}${winner ? ` (bindings[${winner.index}])` : " (no binding matched: default agent)"}`,
  );
  for (const note of notes) io.out(`note:        ${note}`);
  if (candidates.length > 0) {
    io.out("other bindings on this channel:");
    for (const candidate of candidates)
      io.out(`  bindings[${candidate.index}] -> ${candidate.agentId}: ${candidate.detail}`);
  }
  return 0;
}
