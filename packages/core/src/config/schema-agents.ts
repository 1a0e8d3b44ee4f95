import { z } from "zod";
import { GroupChat, SecretInputSchema, UrlString } from "./schema-common.js";
import { knownKeys, looseRecord, strictObject } from "./strict.js";

/** `model`: a strict primary, or `{ primary, fallbacks }`. */
export const AgentModel = z.union([
  z.string(),
  strictObject({ primary: z.string().optional(), fallbacks: z.array(z.string()).optional() }),
]);

export const AgentIdentity = strictObject({
  name: z.string().optional(),
  theme: z.string().optional(),
  emoji: z.string().optional(),
  avatar: z.string().optional(),
});

const timeoutMs = z.number().int().positive().optional();

/**
 * Who answers for an agent. Patchbay's runtimes (`echo`, `openai`, `webhook`, `command`) plus
 * OpenClaw's own shapes (`embedded`, `acp`), so an openclaw.json loads unchanged; the gateway reports
 * the OpenClaw ones as not runnable by Patchbay.
 */
export const AgentRuntime = z.discriminatedUnion("type", [
  strictObject({ type: z.literal("echo") }),
  strictObject({
    type: z.literal("openai"),
    baseUrl: UrlString,
    apiKey: SecretInputSchema,
    model: z.string().optional(),
    timeoutMs,
  }),
  strictObject({ type: z.literal("webhook"), url: UrlString, secret: SecretInputSchema, timeoutMs }),
  strictObject({
    type: z.literal("command"),
    command: z.string().min(1),
    args: z.array(z.string()).optional(),
    timeoutMs,
    env: z.record(z.string(), z.string()).optional(),
  }),
  strictObject({ type: z.literal("embedded") }),
  strictObject({
    type: z.literal("acp"),
    acp: strictObject({ ...knownKeys(["agent", "backend", "mode", "cwd"]) }).optional(),
  }),
]);
export type AgentRuntime = z.infer<typeof AgentRuntime>;

const AgentSandbox = strictObject({
  mode: z.enum(["off", "non-main", "all"]).optional(),
  scope: z.enum(["session", "agent", "shared"]).optional(),
  workspaceAccess: z.enum(["none", "ro", "rw"]).optional(),
  ...knownKeys([
    "backend",
    "sessionToolsVisibility",
    "perSession",
    "workspaceRoot",
    "docker",
    "ssh",
    "browser",
    "prune",
  ]),
});

const AgentTools = strictObject({
  profile: z.string().optional(),
  allow: z.array(z.string()).optional(),
  alsoAllow: z.array(z.string()).optional(),
  deny: z.array(z.string()).optional(),
  elevated: strictObject({ enabled: z.boolean().optional(), allowFrom: looseRecord.optional() }).optional(),
  ...knownKeys([
    "byProvider",
    "toolsBySender",
    "codeMode",
    "swarm",
    "exec",
    "fs",
    "loopDetection",
    "message",
    "sandbox",
  ]),
});

export const AgentEntry = strictObject({
  id: z.string(),
  default: z.boolean().optional(),
  name: z.string().optional(),
  workspace: z.string().optional(),
  agentDir: z.string().optional(),
  model: AgentModel.optional(),
  identity: AgentIdentity.optional(),
  groupChat: GroupChat.optional(),
  sandbox: AgentSandbox.optional(),
  tools: AgentTools.optional(),
  skills: z.array(z.string()).optional(),
  subagents: strictObject({
    allowAgents: z.array(z.string()).optional(),
    ...knownKeys(["model", "thinking", "delegationMode", "requireAgentId"]),
  }).optional(),
  thinkingDefault: z.string().optional(),
  params: looseRecord.optional(),
  runtime: AgentRuntime.optional(),
  description: z.string().optional(),
  ...knownKeys([
    "memorySearch",
    "memory",
    "heartbeat",
    "tts",
    "humanDelay",
    "statusUpdates",
    "utilityModel",
    "models",
    "modelPolicy",
    "verboseDefault",
    "reasoningDefault",
    "fastModeDefault",
    "toolProgressDetail",
    "contextInjection",
    "bootstrapMaxChars",
    "bootstrapTotalMaxChars",
    "experimental",
    "typingMode",
    "typingIntervalSeconds",
    "skillsLimits",
    "contextLimits",
    "contextTokens",
    "embeddedAgent",
    "embeddedHarness",
    "agentRuntime",
    "plugins",
  ]),
});
export type AgentEntry = z.infer<typeof AgentEntry>;

/** `agents.defaults`: workspace/model typed; the many runtime tuning keys are known but not modelled. */
export const AgentDefaults = strictObject({
  workspace: z.string().optional(),
  model: AgentModel.optional(),
  identity: AgentIdentity.optional(),
  groupChat: GroupChat.optional(),
  sandbox: AgentSandbox.optional(),
  runtime: AgentRuntime.optional(),
  ...knownKeys([
    "imageModel",
    "imageGenerationModel",
    "videoGenerationModel",
    "musicGenerationModel",
    "pdfModel",
    "pdfMaxBytesMb",
    "pdfMaxPages",
    "models",
    "repoRoot",
    "skipBootstrap",
    "bootstrapMaxChars",
    "bootstrapTotalMaxChars",
    "bootstrapPromptTruncationWarning",
    "userTimezone",
    "timeFormat",
    "envelopeTimezone",
    "envelopeTimestamp",
    "envelopeElapsed",
    "contextTokens",
    "cliBackends",
    "memorySearch",
    "memory",
    "contextPruning",
    "compaction",
    "embeddedPi",
    "embeddedHarness",
    "agentRuntime",
    "thinkingDefault",
    "verboseDefault",
    "elevatedDefault",
    "reasoningDefault",
    "fastModeDefault",
    "blockStreamingDefault",
    "blockStreamingBreak",
    "blockStreamingChunk",
    "blockStreamingCoalesce",
    "humanDelay",
    "timeoutSeconds",
    "mediaMaxMb",
    "imageMaxDimensionPx",
    "typingIntervalSeconds",
    "typingMode",
    "heartbeat",
    "maxConcurrent",
    "subagents",
    "additionalSystemPrompt",
    "contextLimits",
    "skillsLimits",
    "skills",
    "tools",
    "tts",
    "params",
    "utilityModel",
    "silentReply",
    "silentReplyRewrite",
    "statusUpdates",
    "contextInjection",
    "toolProgressDetail",
    "experimental",
  ]),
});

export const AgentsConfig = strictObject({
  defaults: AgentDefaults.optional(),
  list: z.array(AgentEntry).optional(),
});
export type AgentsConfig = z.infer<typeof AgentsConfig>;

/** `match.peer.kind`: the canonical kinds plus the aliases the router folds (`dm`, `supergroup`). */
export const PeerKindInput = z
  .string()
  .refine(
    (kind) => ["direct", "group", "channel", "dm", "supergroup"].includes(kind.trim().toLowerCase()),
    'Expected one of "direct", "group", "channel" (aliases "dm", "supergroup")',
  );

export const BindingMatch = strictObject({
  channel: z.string(),
  accountId: z.string().optional(),
  peer: strictObject({ kind: PeerKindInput, id: z.union([z.string(), z.number()]) }).optional(),
  guildId: z.string().optional(),
  teamId: z.string().optional(),
  roles: z.array(z.string()).optional(),
});

export const Binding = strictObject({
  agentId: z.string(),
  match: BindingMatch,
  type: z.enum(["route", "acp"]).optional(),
  comment: z.string().optional(),
  /** Era C per-binding session override; accepted, not applied (spec baseline). */
  session: strictObject({
    dmScope: z.enum(["main", "per-peer", "per-channel-peer", "per-account-channel-peer"]).optional(),
    groupScope: z.enum(["main", "per-group"]).optional(),
  }).optional(),
  acp: strictObject({ ...knownKeys(["mode", "label", "cwd", "backend"]) }).optional(),
  ...knownKeys(["sessionKey", "sessionScope"]),
});
export type Binding = z.infer<typeof Binding>;

/** `{ strategy?, "<peerId>": ["agentA", …] }` (WhatsApp only at runtime, spec §5). */
export const BroadcastConfig = z
  .object({ strategy: z.enum(["parallel", "sequential"]).optional() })
  .catchall(z.array(z.string()));
export type BroadcastConfig = z.infer<typeof BroadcastConfig>;
