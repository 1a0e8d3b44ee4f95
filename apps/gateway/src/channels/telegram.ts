import { ConfigError, type ResolvedTelegramAccount } from "@patchbay/core";
import { createTelegramChannel, type TelegramChannel } from "@patchbay/telegram";
import type { ChannelDefinition } from "./types.js";

/** `webhookPath`, else the path of `webhookUrl` (what Telegram will POST to), else a per-account default. */
function webhookPath(account: ResolvedTelegramAccount): string {
  if (account.webhook?.path) return account.webhook.path;
  const fromUrl = account.webhook ? new URL(account.webhook.url).pathname : "/";
  return fromUrl !== "/" ? fromUrl : `/telegram/${encodeURIComponent(account.accountId)}/webhook`;
}

/** Telegram accounts: one grammy bot each; webhook mode mounts its handler on the gateway's server. */
export const telegramChannel: ChannelDefinition = {
  create(resolved, context) {
    const account = resolved as ResolvedTelegramAccount;
    if (!account.botToken) {
      throw new ConfigError([
        {
          path: `${account.path}.botToken`,
          message:
            account.accountId === "default"
              ? "no bot token: set botToken, tokenFile, or TELEGRAM_BOT_TOKEN"
              : "no bot token: set botToken or tokenFile (TELEGRAM_BOT_TOKEN applies to the default account only)",
        },
      ]);
    }
    const webhook = account.webhook;
    return createTelegramChannel({
      accountId: account.accountId,
      token: account.botToken,
      ...(account.apiRoot ? { apiRoot: account.apiRoot } : {}),
      ...(webhook
        ? {
            mode: "webhook" as const,
            webhook: { url: webhook.url, secretToken: webhook.secret ?? "" },
          }
        : {}),
      logger: context.logger,
      state: context.state,
    });
  },
  mount(resolved) {
    const account = resolved as ResolvedTelegramAccount;
    if (!account.webhook) return undefined;
    return {
      path: webhookPath(account),
      handler: (adapter) => (adapter as TelegramChannel).webhookHandler(),
    };
  },
};
