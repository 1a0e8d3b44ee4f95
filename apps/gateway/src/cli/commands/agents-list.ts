import {
  type BindingBucket,
  BUCKET_TIERS,
  listAgentIds,
  normalizeAgentId,
  normalizeBinding,
  ROUTE_TIERS,
  resolveAgentPaths,
  resolveDefaultAgentId,
} from "@patchbay/core";
import { loadConfigFile } from "../../config/load-config.js";
import { resolvePaths } from "../../paths.js";
import { commonFlags, parseFlags } from "../args.js";
import { type CliIo, printJson } from "../io.js";

const USAGE = "patchbay agents list [--bindings] [--config PATH] [--json]";

/** Agents, and with --bindings the bindings of each in tier order (then config order). */
export async function agentsList(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags(
    argv,
    { ...commonFlags, bindings: { type: "boolean", default: false } },
    USAGE,
  );
  const { configPath, stateDir } = resolvePaths({ config: values.config }, io.env);
  const { config } = await loadConfigFile(configPath, { stateDir });
  const defaultId = resolveDefaultAgentId(config);
  const ids = listAgentIds(config);
  const bindings = (config.bindings ?? []).flatMap((raw, index) => {
    const binding = normalizeBinding(raw, index);
    return binding ? [binding] : [];
  });
  const tierRank = (bucket: BindingBucket | "unmatchable") =>
    bucket === "unmatchable" ? ROUTE_TIERS.length : ROUTE_TIERS.indexOf(BUCKET_TIERS[bucket]);
  const agents = (ids.length > 0 ? ids : [defaultId]).map((id) => {
    const entry = config.agents?.list?.find((agent) => normalizeAgentId(agent.id) === id);
    const own = bindings
      .filter((binding) => binding.agentId === id)
      .sort((a, b) => tierRank(a.bucket) - tierRank(b.bucket) || a.index - b.index)
      .map((binding) => ({
        index: binding.index,
        tier: binding.bucket === "unmatchable" ? "unmatchable" : BUCKET_TIERS[binding.bucket],
        channel: binding.channel,
        accountId: binding.accountPattern,
        ...(binding.peerKind ? { peer: `${binding.peerKind}:${binding.peerId}` } : {}),
        ...(binding.guildId ? { guildId: binding.guildId } : {}),
        ...(binding.teamId ? { teamId: binding.teamId } : {}),
        ...(binding.roles ? { roles: binding.roles } : {}),
      }));
    return {
      id,
      ...(entry?.name ? { name: entry.name } : {}),
      default: id === defaultId,
      workspace: resolveAgentPaths(config, id, { stateDir }).workspace,
      runtime: (entry?.runtime as { type?: string } | undefined)?.type ?? "echo",
      ...(values.bindings ? { bindings: own } : {}),
    };
  });
  if (values.json) {
    printJson(io, { agents });
    return 0;
  }
  for (const agent of agents) {
    io.out(
      `${agent.id}${agent.default ? " (default)" : ""}${agent.name ? ` "${agent.name}"` : ""}  runtime=${agent.runtime}  ${agent.workspace}`,
    );
    for (const binding of agent.bindings ?? []) {
      const where = [
        binding.channel,
        `account=${binding.accountId}`,
        binding.peer,
        binding.guildId && `guild=${binding.guildId}`,
        binding.teamId && `team=${binding.teamId}`,
        binding.roles && `roles=${binding.roles.join(",")}`,
      ]
        .filter(Boolean)
        .join(" ");
      io.out(`  ${binding.tier.padEnd(22)} bindings[${binding.index}] ${where}`);
    }
  }
  return 0;
}
