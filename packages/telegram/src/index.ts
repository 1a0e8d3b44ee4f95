import { TelegramChannel } from "./channel.js";
import { parseTelegramConfig, type TelegramChannelOptions } from "./config.js";

export { PartialSendError } from "@patchbay/core";
export { TelegramChannel } from "./channel.js";
export type { BotIdentity, ParseMode } from "./client.js";
export {
  parseTelegramConfig,
  TelegramAdapterConfig,
  type TelegramChannelDeps,
  type TelegramChannelOptions,
} from "./config.js";
export { escapeHtml, escapeMarkdownV2, renderMarkdown } from "./format.js";
export type { WebhookHandler } from "./webhook.js";

/**
 * Creates the adapter of one Telegram bot account. Validates the options (ConfigError naming the
 * paths, never the values); connects nothing until `start()`.
 */
export function createTelegramChannel(options: TelegramChannelOptions): TelegramChannel {
  const config = parseTelegramConfig(options);
  const deps: ConstructorParameters<typeof TelegramChannel>[1] = {};
  if (options.logger) deps.logger = options.logger;
  if (options.state) deps.state = options.state;
  if (options.now) deps.now = options.now;
  return new TelegramChannel(config, deps);
}
