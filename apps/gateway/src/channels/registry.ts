import { discordChannel } from "./discord.js";
import { slackChannel } from "./slack.js";
import { telegramChannel } from "./telegram.js";
import type { ChannelFactories } from "./types.js";
import { whatsappChannel } from "./whatsapp.js";

/** Every channel this gateway can run, by config name. */
export const builtInChannels: ChannelFactories = {
  discord: discordChannel,
  slack: slackChannel,
  telegram: telegramChannel,
  whatsapp: whatsappChannel,
};
