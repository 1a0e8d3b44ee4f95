import { z } from "zod";
import {
  channelSection,
  commonAccountShape,
  commonPassiveAccountShape,
  IdList,
  legacyDmShape,
  SecretInputSchema,
  ToolPolicy,
  ToolsBySender,
  UrlString,
} from "./schema-common.js";
import { knownKeys, strictObject } from "./strict.js";

export const SlackDm = strictObject({ ...legacyDmShape, replyToMode: z.unknown().optional() });

/** `channels.<channelId>`: keys must be channel ids (names only with dangerouslyAllowNameMatching). */
export const SlackChannelEntry = strictObject({
  allow: z.boolean().optional(),
  enabled: z.boolean().optional(),
  requireMention: z.boolean().optional(),
  users: IdList.optional(),
  allowBots: z.boolean().optional(),
  tools: ToolPolicy.optional(),
  toolsBySender: ToolsBySender.optional(),
  skills: z.array(z.string()).optional(),
  systemPrompt: z.string().optional(),
});

const slackAccountShape = {
  ...commonAccountShape,
  ...commonPassiveAccountShape,
  mode: z.enum(["socket", "http"]).optional(),
  botToken: SecretInputSchema.optional(),
  appToken: SecretInputSchema.optional(),
  userToken: SecretInputSchema.optional(),
  signingSecret: SecretInputSchema.optional(),
  webhookPath: z.string().optional(),
  dm: SlackDm.optional(),
  channels: z.record(z.string(), SlackChannelEntry).optional(),
  requireMention: z.boolean().optional(),
  allowBots: z.boolean().optional(),
  dangerouslyAllowNameMatching: z.boolean().optional(),
  /** Patchbay: Web API base (e.g. `http://127.0.0.1:8083/api/`). */
  apiUrl: UrlString.optional(),
  ...knownKeys([
    "execApprovals",
    "userTokenReadOnly",
    "reactionAllowlist",
    "replyToModeByChatType",
    "thread",
    "slashCommand",
    "typingReaction",
    "logLevel",
  ]),
};

export const SlackAccountConfig = strictObject(slackAccountShape);
export type SlackAccountConfig = z.infer<typeof SlackAccountConfig>;

export const SlackChannelConfig = channelSection(slackAccountShape, SlackAccountConfig);
export type SlackChannelConfig = z.infer<typeof SlackChannelConfig>;
