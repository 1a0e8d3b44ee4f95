import { ConfigError, type ResolvedDiscordAccount } from "@patchbay/core";
import { createDiscordChannel } from "@patchbay/discord";
import type { ChannelDefinition } from "./types.js";

/** Discord accounts: one discord.js client per bot token. */
export const discordChannel: ChannelDefinition = {
  create(resolved, context) {
    const account = resolved as ResolvedDiscordAccount;
    if (!account.token) {
      throw new ConfigError([
        {
          path: `${account.path}.token`,
          message:
            account.accountId === "default"
              ? "no bot token: set token or DISCORD_BOT_TOKEN"
              : "no bot token: set token (DISCORD_BOT_TOKEN applies to the default account only)",
        },
      ]);
    }
    const { maxLinesPerMessage: maxLines, allowedMentions } = account.settings;
    return createDiscordChannel({
      accountId: account.accountId,
      token: account.token,
      ...(account.restApi ? { restApi: account.restApi } : {}),
      ...(maxLines ? { maxLinesPerMessage: maxLines } : {}),
      ...(allowedMentions ? { allowedMentions } : {}),
      logger: context.logger,
    });
  },
};
