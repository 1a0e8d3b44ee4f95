import type { DiscordChannelOptions } from "./config.js";
import { DiscordChannel } from "./discord-channel.js";

export { PartialSendError } from "@patchbay/core";
export type { BotIdentity } from "./client.js";
export {
  DiscordAllowedMentionsConfig,
  DiscordChannelConfig,
  type DiscordChannelOptions,
  parseDiscordChannelConfig,
} from "./config.js";
export { DiscordChannel } from "./discord-channel.js";
export { FATAL_CLOSE_CODES } from "./errors.js";
export { escapeMarkdown, formatForDiscord } from "./format.js";
export {
  type AllowedMentionsBody,
  allowedMentions,
  buildMessageBodies,
  type MessageBody,
} from "./outbound.js";

/**
 * Creates the adapter for one Discord bot account. Options carry resolved values (the token, not
 * a SecretRef); invalid options throw ConfigError.
 */
export function createDiscordChannel(options: DiscordChannelOptions): DiscordChannel {
  return new DiscordChannel(options);
}
