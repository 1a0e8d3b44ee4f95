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

/** Legacy `dm` block (spec §1.3): `dm.policy`/`dm.allowFrom` are the older spelling of dmPolicy/allowFrom. */
export const DiscordDm = strictObject(legacyDmShape);

export const DiscordGuildChannel = strictObject({
  allow: z.boolean().optional(),
  enabled: z.boolean().optional(),
  requireMention: z.boolean().optional(),
  ignoreOtherMentions: z.boolean().optional(),
  users: IdList.optional(),
  roles: IdList.optional(),
  tools: ToolPolicy.optional(),
  toolsBySender: ToolsBySender.optional(),
  skills: z.array(z.string()).optional(),
  systemPrompt: z.string().optional(),
  ...knownKeys(["includeThreadStarter", "autoThread", "autoThreadName", "autoArchiveDuration"]),
});

export const DiscordGuild = strictObject({
  slug: z.string().optional(),
  requireMention: z.boolean().optional(),
  ignoreOtherMentions: z.boolean().optional(),
  users: IdList.optional(),
  roles: IdList.optional(),
  channels: z.record(z.string(), DiscordGuildChannel).optional(),
  tools: ToolPolicy.optional(),
  toolsBySender: ToolsBySender.optional(),
  reactionNotifications: z.unknown().optional(),
});

const discordAccountShape = {
  ...commonAccountShape,
  ...commonPassiveAccountShape,
  token: SecretInputSchema.optional(),
  dm: DiscordDm.optional(),
  guilds: z.record(z.string(), DiscordGuild).optional(),
  allowBots: z.union([z.boolean(), z.literal("mentions")]).optional(),
  dangerouslyAllowNameMatching: z.boolean().optional(),
  maxLinesPerMessage: z.number().int().positive().optional(),
  /** Patchbay: REST API base (e.g. `http://127.0.0.1:8082/api`); the gateway URL comes from `/gateway/bot`. */
  restApi: UrlString.optional(),
  /**
   * Patchbay: who agent replies may ping. Default: mentioned users and the replied-to author only;
   * never roles, @everyone or @here unless allowed here.
   */
  allowedMentions: strictObject({
    users: z.union([z.boolean(), z.array(z.string())]).optional(),
    roles: z.union([z.boolean(), z.array(z.string())]).optional(),
    everyone: z.boolean().optional(),
    repliedUser: z.boolean().optional(),
  }).optional(),
  proxy: z.string().optional(),
  ...knownKeys([
    "thread",
    "execApprovals",
    "agentComponents",
    "ui",
    "slashCommand",
    "threadBindings",
    "intents",
    "voice",
    "pluralkit",
    "ackReactionScope",
    "activity",
    "status",
    "autoPresence",
    "activityType",
    "activityUrl",
    "inboundWorker",
    "eventQueue",
  ]),
};

export const DiscordAccountConfig = strictObject(discordAccountShape);
export type DiscordAccountConfig = z.infer<typeof DiscordAccountConfig>;

export const DiscordChannelConfig = channelSection(discordAccountShape, DiscordAccountConfig);
export type DiscordChannelConfig = z.infer<typeof DiscordChannelConfig>;
