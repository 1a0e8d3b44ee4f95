import { z } from "zod";
import { GroupChat, IdList } from "./schema-common.js";
import { knownKeys, looseRecord, strictObject } from "./strict.js";

export const DmScope = z.enum(["main", "per-peer", "per-channel-peer", "per-account-channel-peer"]);
export type DmScope = z.infer<typeof DmScope>;

export const SessionConfig = strictObject({
  dmScope: DmScope.optional(),
  mainKey: z.string().optional(),
  identityLinks: z.record(z.string(), z.array(z.string())).optional(),
  groupScope: z.enum(["per-group", "main"]).optional(),
  scope: z.enum(["per-sender", "global"]).optional(),
  agentToAgent: strictObject({ maxPingPongTurns: z.number().int().min(0).max(20).optional() }).optional(),
  /** Path template with `{agentId}`. */
  store: z.string().optional(),
  ...knownKeys([
    "reset",
    "resetByType",
    "resetByChannel",
    "resetTriggers",
    "idleMinutes",
    "sendPolicy",
    "maintenance",
    "threadBindings",
    "transcriptRetentionDays",
    "maxRecentTurns",
    "typingIntervalSeconds",
    "typingMode",
    "parentForkMaxTokens",
  ]),
});
export type SessionConfig = z.infer<typeof SessionConfig>;

export const MessagesConfig = strictObject({
  groupChat: GroupChat.optional(),
  messagePrefix: z.string().optional(),
  responsePrefix: z.string().optional(),
  ...knownKeys([
    "queue",
    "inbound",
    "ackReaction",
    "ackReactionScope",
    "removeAckAfterReply",
    "statusReactions",
    "suppressToolErrors",
    "tts",
  ]),
});
export type MessagesConfig = z.infer<typeof MessagesConfig>;

export const CommandsConfig = strictObject({
  ownerAllowFrom: IdList.optional(),
  useAccessGroups: z.boolean().optional(),
  ...knownKeys([
    "native",
    "nativeSkills",
    "text",
    "bash",
    "bashForegroundMs",
    "config",
    "mcp",
    "plugins",
    "debug",
    "restart",
    "ownerDisplay",
    "ownerDisplaySecret",
    "allowFrom",
  ]),
});

export const ToolsConfig = strictObject({
  agentToAgent: strictObject({
    enabled: z.boolean().optional(),
    allow: z.array(z.string()).optional(),
  }).optional(),
  sessions: strictObject({ visibility: z.enum(["self", "tree", "agent", "all"]).optional() }).optional(),
  profile: z.string().optional(),
  allow: z.array(z.string()).optional(),
  alsoAllow: z.array(z.string()).optional(),
  deny: z.array(z.string()).optional(),
  elevated: strictObject({ enabled: z.boolean().optional(), allowFrom: looseRecord.optional() }).optional(),
  ...knownKeys([
    "byProvider",
    "toolsBySender",
    "web",
    "media",
    "links",
    "loopDetection",
    "toolSearch",
    "codeMode",
    "swarm",
    "message",
    "exec",
    "fs",
    "subagents",
    "sandbox",
    "sessions_spawn",
    "experimental",
  ]),
});
export type ToolsConfig = z.infer<typeof ToolsConfig>;

/** `accessGroups.<name>`: `allowFrom` entries `accessGroup:<name>` expand to these members (spec §4.5). */
export const AccessGroup = strictObject({
  type: z.literal("message.senders").optional(),
  members: z.record(z.string(), IdList).optional(),
  description: z.string().optional(),
});
export const AccessGroupsConfig = z.record(z.string(), AccessGroup);
