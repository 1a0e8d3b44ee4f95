import {
  type AgentPaths,
  buildMentionRegexes,
  type CompiledRouter,
  ConfigError,
  type ConfigIssue,
  compileRouter,
  DETAILED_CHANNELS,
  type EnvLike,
  type Logger,
  listAgentIds,
  type PatchbayConfig,
  type ResolvedChannelAccount,
  resolveAgentPaths,
  resolveChannelAccounts,
  resolveSecret,
} from "@patchbay/core";
import { type AgentRuntime, createRuntime, type RuntimeConfig, type RuntimeDeps } from "../runtimes/index.js";

/**
 * Everything derived from one valid config: the compiled router, every account's effective settings,
 * one runtime per agent. Built whole, then swapped in atomically on reload, so a message is never
 * routed by half of an old config and half of a new one.
 */
export interface ConfigSnapshot {
  readonly config: PatchbayConfig;
  readonly router: CompiledRouter;
  readonly accounts: ReadonlyMap<string, ResolvedChannelAccount>;
  account(channel: string, accountId: string): ResolvedChannelAccount | undefined;
  runtime(agentId: string): AgentRuntime;
  agentPaths(agentId: string): AgentPaths;
  mentionRegexes(agentId: string): RegExp[];
}

export const accountKey = (channel: string, accountId: string) => `${channel}/${accountId}`;

export interface SnapshotOptions {
  stateDir: string;
  env: EnvLike;
  logger: Logger;
  runtimeDeps?: RuntimeDeps;
  /** Reads a Telegram tokenFile (regular files only; the caller enforces it). */
  readTokenFile?: (path: string) => string;
}

export function buildConfigSnapshot(config: PatchbayConfig, options: SnapshotOptions): ConfigSnapshot {
  const router = compileRouter(config);
  const accounts = new Map<string, ResolvedChannelAccount>();
  const readFile = options.readTokenFile;
  for (const channel of DETAILED_CHANNELS) {
    if (!config.channels?.[channel] || config.channels[channel]?.enabled === false) continue;
    const resolved = resolveChannelAccounts(config, channel, options.env, {
      stateDir: options.stateDir,
      ...(readFile ? { readFile } : {}),
    }) as ResolvedChannelAccount[];
    for (const account of resolved) accounts.set(accountKey(channel, account.accountId), account);
  }

  const runtimes = new Map<string, AgentRuntime>();
  const issues: ConfigIssue[] = [];
  const agents = config.agents?.list ?? [];
  agents.forEach((agent, index) => {
    const id = listAgentIds({ agents: { list: [agent] } } as PatchbayConfig)[0] ?? agent.id;
    const path = `agents.list[${index}].runtime`;
    try {
      const runtimeConfig = toRuntimeConfig(agent.runtime, path, options.env);
      runtimes.set(
        id,
        createRuntime(runtimeConfig, {
          logger: options.logger.child({ agentId: id }),
          ...options.runtimeDeps,
        }),
      );
    } catch (error) {
      if (error instanceof ConfigError) issues.push(...error.issues);
      else throw error;
    }
  });
  if (issues.length > 0) throw new ConfigError(issues);
  const echo = createRuntime({ type: "echo" });
  const regexes = new Map<string, RegExp[]>();

  return {
    config,
    router,
    accounts,
    account: (channel, accountId) => accounts.get(accountKey(channel, accountId)),
    // Agents without a runtime (or the default agent when agents.list is empty) answer with echo.
    runtime: (agentId) => runtimes.get(agentId) ?? echo,
    agentPaths: (agentId) => resolveAgentPaths(config, agentId, { stateDir: options.stateDir }),
    mentionRegexes: (agentId) => {
      let cached = regexes.get(agentId);
      if (!cached) {
        cached = buildMentionRegexes(config, agentId);
        regexes.set(agentId, cached);
      }
      return cached;
    },
  };
}

function toRuntimeConfig(runtime: unknown, path: string, env: EnvLike): RuntimeConfig {
  if (runtime === undefined) return { type: "echo" };
  const value = runtime as { type: string } & Record<string, unknown>;
  switch (value.type) {
    case "openai":
      return {
        ...(value as unknown as RuntimeConfig & { type: "openai" }),
        apiKey: resolveSecret(value.apiKey as never, env, { path: `${path}.apiKey` }) ?? "",
      };
    case "webhook":
      return {
        ...(value as unknown as RuntimeConfig & { type: "webhook" }),
        secret: resolveSecret(value.secret as never, env, { path: `${path}.secret` }) ?? "",
      };
    case "echo":
    case "command":
      return value as unknown as RuntimeConfig;
    default:
      throw new ConfigError([
        {
          path: `${path}.type`,
          message: `runtime "${value.type}" is OpenClaw's and cannot run in Patchbay; use echo, openai, webhook or command`,
        },
      ]);
  }
}
