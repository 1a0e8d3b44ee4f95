import { z } from "zod";
import { AgentsConfig, Binding, BroadcastConfig } from "./schema-agents.js";
import { ChannelsConfig } from "./schema-channels.js";
import {
  AccessGroupsConfig,
  CommandsConfig,
  MessagesConfig,
  SessionConfig,
  ToolsConfig,
} from "./schema-session.js";
import { knownKeys, looseRecord, strictObject } from "./strict.js";

export const DEFAULT_GATEWAY_PORT = 18789;
export const DEFAULT_GATEWAY_HOST = "127.0.0.1";

/** OpenClaw's named bind modes; any other string is a host/IP to bind (Patchbay). */
export const OPENCLAW_BIND_MODES = ["auto", "lan", "loopback", "custom", "tailnet"] as const;

export const GatewayConfig = strictObject({
  port: z.number().int().min(0).max(65535).optional(),
  /** A host/IP (`127.0.0.1`, `0.0.0.0`, `::1`) or one of OpenClaw's bind modes. */
  bind: z.string().min(1).optional(),
  customBindHost: z.string().optional(),
  ...knownKeys([
    "mode",
    "controlUi",
    "auth",
    "trustedProxies",
    "allowRealIpFallback",
    "tools",
    "webchat",
    "channelHealthCheckMinutes",
    "channelStaleEventThresholdMinutes",
    "channelMaxRestartsPerHour",
    "tailscale",
    "remote",
    "reload",
    "tls",
    "http",
    "push",
    "nodes",
  ]),
});
export type GatewayConfig = z.infer<typeof GatewayConfig>;

/** `env`: `vars` plus inline `KEY: "value"` pairs; applied to the process env when unset there. */
export const EnvConfig = z
  .object({
    vars: z.record(z.string(), z.string()).optional(),
    shellEnv: strictObject({
      enabled: z.boolean().optional(),
      timeoutMs: z.number().int().nonnegative().optional(),
    }).optional(),
  })
  .catchall(z.string());

/**
 * The whole openclaw.json-compatible file. Routing, access, channels, sessions and the gateway are
 * modelled in detail; OpenClaw's other sections (models, plugins, hooks, cron, browser, …) are
 * accepted as objects without modelling their content, since Patchbay does not act on them.
 */
export const PatchbayConfig = strictObject({
  $schema: z.string().optional(),
  agents: AgentsConfig.optional(),
  bindings: z.array(Binding).optional(),
  broadcast: BroadcastConfig.optional(),
  channels: ChannelsConfig.optional(),
  session: SessionConfig.optional(),
  messages: MessagesConfig.optional(),
  commands: CommandsConfig.optional(),
  tools: ToolsConfig.optional(),
  accessGroups: AccessGroupsConfig.optional(),
  gateway: GatewayConfig.optional(),
  env: EnvConfig.optional(),
  meta: looseRecord.optional(),
  wizard: looseRecord.optional(),
  diagnostics: looseRecord.optional(),
  logging: looseRecord.optional(),
  cli: looseRecord.optional(),
  update: looseRecord.optional(),
  browser: looseRecord.optional(),
  ui: looseRecord.optional(),
  secrets: looseRecord.optional(),
  auth: looseRecord.optional(),
  acp: looseRecord.optional(),
  models: looseRecord.optional(),
  nodeHost: looseRecord.optional(),
  audio: looseRecord.optional(),
  media: looseRecord.optional(),
  approvals: looseRecord.optional(),
  cron: looseRecord.optional(),
  hooks: looseRecord.optional(),
  web: looseRecord.optional(),
  discovery: looseRecord.optional(),
  canvasHost: looseRecord.optional(),
  talk: looseRecord.optional(),
  memory: looseRecord.optional(),
  mcp: looseRecord.optional(),
  skills: looseRecord.optional(),
  plugins: looseRecord.optional(),
  surfaces: looseRecord.optional(),
  proxy: looseRecord.optional(),
  crestodian: looseRecord.optional(),
});
export type PatchbayConfig = z.infer<typeof PatchbayConfig>;
