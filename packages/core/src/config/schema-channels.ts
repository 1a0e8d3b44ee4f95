import { z } from "zod";
import { DmPolicy, GroupPolicy, IdList } from "./schema-common.js";
import { DiscordChannelConfig } from "./schema-discord.js";
import { SlackChannelConfig } from "./schema-slack.js";
import { TelegramChannelConfig } from "./schema-telegram.js";
import { WhatsAppChannelConfig } from "./schema-whatsapp.js";
import { knownKeys, strictObject } from "./strict.js";

const genericAccountShape = {
  name: z.string().optional(),
  enabled: z.boolean().optional(),
  dmPolicy: DmPolicy.optional(),
  allowFrom: IdList.optional(),
  groupPolicy: GroupPolicy.optional(),
  groupAllowFrom: IdList.optional(),
};

/**
 * Channels Patchbay has no adapter for (signal, imessage, matrix, plugin channels…). Loosely modelled
 * on purpose: the access keys every channel shares are typed, anything else passes through, because
 * these sections belong to OpenClaw plugins whose schemas Patchbay does not track.
 */
export const GenericAccountConfig = z.looseObject(genericAccountShape);
export const GenericChannelConfig = z.looseObject({
  ...genericAccountShape,
  accounts: z.record(z.string(), GenericAccountConfig).optional(),
  defaultAccount: z.string().optional(),
});
export type GenericChannelConfig = z.infer<typeof GenericChannelConfig>;

export const ChannelDefaults = strictObject({
  groupPolicy: GroupPolicy.optional(),
  ...knownKeys(["heartbeat", "contextVisibility"]),
});

export const ChannelsConfig = z
  .object({
    defaults: ChannelDefaults.optional(),
    telegram: TelegramChannelConfig.optional(),
    discord: DiscordChannelConfig.optional(),
    slack: SlackChannelConfig.optional(),
    whatsapp: WhatsAppChannelConfig.optional(),
  })
  .catchall(GenericChannelConfig);
export type ChannelsConfig = z.infer<typeof ChannelsConfig>;

/** Channels with a Patchbay adapter and a detailed schema. */
export const DETAILED_CHANNELS = ["telegram", "discord", "slack", "whatsapp"] as const;
export type DetailedChannel = (typeof DETAILED_CHANNELS)[number];

/** Channel names OpenClaw knows (built-in and bundled plugins); others get a "did you mean" warning. */
export const KNOWN_CHANNEL_NAMES: readonly string[] = [
  ...DETAILED_CHANNELS,
  "signal",
  "imessage",
  "bluebubbles",
  "irc",
  "googlechat",
  "msteams",
  "matrix",
  "mattermost",
  "nostr",
  "feishu",
  "line",
  "nextcloud-talk",
  "synology-chat",
  "twitch",
  "zalo",
  "zalouser",
  "tlon",
  "webchat",
];
