export type { AccountSection } from "./account-sections.js";
export { listAccountSections } from "./account-sections.js";
export type {
  CredentialSource,
  ResolveAccountsOptions,
  ResolvedAccountBase,
  ResolvedChannelAccount,
  ResolvedDiscordAccount,
  ResolvedGenericAccount,
  ResolvedSlackAccount,
  ResolvedTelegramAccount,
  ResolvedWhatsAppAccount,
} from "./accounts.js";
export { resolveChannelAccounts, resolveDefaultAccountId } from "./accounts.js";
export type { AgentPathOptions, AgentPaths } from "./agents.js";
export { expandHome, listAgentIds, resolveAgentPaths, resolveDefaultAgentId } from "./agents.js";
export { listEnabledChannels } from "./channels.js";
export { didYouMean, editDistance } from "./did-you-mean.js";
export type { GatewayListen } from "./gateway.js";
export { mergeConfigEnv, resolveGatewayListen } from "./gateway.js";
export { formatPath } from "./issues.js";
export type { ConfigResult, ValidateOptions } from "./parse.js";
export { parseConfig, validateConfig } from "./parse.js";
export type { EnvLike, ResolveSecretOptions } from "./resolve-secret.js";
export { resolveSecret } from "./resolve-secret.js";
export { DEFAULT_GATEWAY_HOST, DEFAULT_GATEWAY_PORT, GatewayConfig, PatchbayConfig } from "./schema.js";
export { AgentEntry, AgentRuntime, AgentsConfig, Binding, BroadcastConfig } from "./schema-agents.js";
export {
  ChannelsConfig,
  DETAILED_CHANNELS,
  type DetailedChannel,
  KNOWN_CHANNEL_NAMES,
} from "./schema-channels.js";
export { SecretInputSchema, type SecretInputValue } from "./schema-common.js";
export { DiscordAccountConfig, DiscordChannelConfig } from "./schema-discord.js";
export { SessionConfig } from "./schema-session.js";
export { SlackAccountConfig, SlackChannelConfig } from "./schema-slack.js";
export { TelegramAccountConfig, TelegramChannelConfig } from "./schema-telegram.js";
export { WhatsAppAccountConfig, WhatsAppChannelConfig } from "./schema-whatsapp.js";
