import { ConfigError, type ResolvedSlackAccount } from "@patchbay/core";
import { createSlackChannel, type SlackChannel } from "@patchbay/slack";
import type { ChannelDefinition } from "./types.js";

/**
 * Slack accounts (one per workspace): Socket Mode shares one connection per app token; HTTP mode
 * mounts the Events API endpoint, and any account of an app routes its events by team id.
 */
export const slackChannel: ChannelDefinition = {
  create(resolved, context) {
    const account = resolved as ResolvedSlackAccount;
    const missing = (key: string, envHint: string) =>
      new ConfigError([
        {
          path: `${account.path}.${key}`,
          message: `missing ${key}${account.accountId === "default" ? ` (or ${envHint})` : ` (${envHint} applies to the default account only)`}`,
        },
      ]);
    if (!account.botToken) throw missing("botToken", "SLACK_BOT_TOKEN");
    if (account.mode === "socket" && !account.appToken) throw missing("appToken", "SLACK_APP_TOKEN");
    if (account.mode === "http" && !account.signingSecret) throw missing("signingSecret", "a SecretRef");
    return createSlackChannel({
      accountId: account.accountId,
      mode: account.mode,
      botToken: account.botToken,
      ...(account.appToken ? { appToken: account.appToken } : {}),
      ...(account.signingSecret ? { signingSecret: account.signingSecret } : {}),
      ...(account.apiUrl ? { apiUrl: account.apiUrl } : {}),
      logger: context.logger,
      state: context.state,
    });
  },
  mount(resolved) {
    const account = resolved as ResolvedSlackAccount;
    if (account.mode !== "http") return undefined;
    return {
      path: account.webhookPath ?? "/slack/events",
      handler: (adapter) => (adapter as SlackChannel).httpHandler(),
    };
  },
};
