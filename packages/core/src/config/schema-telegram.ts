import { z } from "zod";
import {
  channelSection,
  commonAccountShape,
  commonPassiveAccountShape,
  GroupPolicy,
  IdList,
  SecretInputSchema,
  ToolPolicy,
  ToolsBySender,
  UrlString,
} from "./schema-common.js";
import { knownKeys, strictObject } from "./strict.js";

const groupEntryShape = {
  requireMention: z.boolean().optional(),
  groupPolicy: GroupPolicy.optional(),
  allowFrom: IdList.optional(),
  enabled: z.boolean().optional(),
  systemPrompt: z.string().optional(),
  skills: z.array(z.string()).optional(),
  tools: ToolPolicy.optional(),
  toolsBySender: ToolsBySender.optional(),
  ...knownKeys(["ingest", "disableAudioPreflight", "errorPolicy", "errorCooldownMs"]),
};

/** `groups.<chatId>.topics.<threadId>`: the group keys plus a per-topic `agentId` (spec §7.1 #12). */
export const TelegramTopic = strictObject({ ...groupEntryShape, agentId: z.string().optional() });

export const TelegramGroup = strictObject({
  ...groupEntryShape,
  topics: z.record(z.string(), TelegramTopic).optional(),
});

const telegramAccountShape = {
  ...commonAccountShape,
  ...commonPassiveAccountShape,
  groupAllowFrom: IdList.optional(),
  groups: z.record(z.string(), TelegramGroup).optional(),
  /** Per-DM overrides (newer OpenClaw); values not modelled. */
  direct: z.record(z.string(), z.unknown()).optional(),
  botToken: SecretInputSchema.optional(),
  tokenFile: z.string().optional(),
  /** Bot API root (OpenClaw key, also Patchbay's endpoint override): e.g. a fake or self-hosted server. */
  apiRoot: UrlString.optional(),
  webhookUrl: z.string().optional(),
  webhookSecret: SecretInputSchema.optional(),
  webhookPath: z.string().optional(),
  webhookHost: z.string().optional(),
  webhookPort: z.number().int().nonnegative().optional(),
  webhookCertPath: z.string().optional(),
  proxy: z.string().optional(),
  ...knownKeys([
    "execApprovals",
    "customCommands",
    "draftChunk",
    "timeoutSeconds",
    "pollingStallThresholdMs",
    "network",
    "threadBindings",
    "linkPreview",
    "silentErrorReplies",
    "errorPolicy",
    "errorCooldownMs",
    "trustedLocalFileRoots",
    "autoTopicLabel",
  ]),
};

export const TelegramAccountConfig = strictObject(telegramAccountShape);
export type TelegramAccountConfig = z.infer<typeof TelegramAccountConfig>;

export const TelegramChannelConfig = channelSection(telegramAccountShape, TelegramAccountConfig);
export type TelegramChannelConfig = z.infer<typeof TelegramChannelConfig>;
