import path from "node:path";
import { ConfigError, type ConfigIssue } from "../errors.js";
import { expandAccessGroups } from "./access-groups.js";
import {
  type AccountSection,
  CREDENTIAL_KEYS,
  effectiveDmAccess,
  listAccountSections,
  type SettingsRecord,
} from "./account-sections.js";
import { DEFAULT_ACCOUNT_ID } from "./ids.js";
import { type EnvLike, resolveSecret } from "./resolve-secret.js";
import type { PatchbayConfig } from "./schema.js";
import type { DmPolicy, GroupPolicy, SecretInputValue } from "./schema-common.js";
import type { DiscordAccountConfig } from "./schema-discord.js";
import type { SlackAccountConfig } from "./schema-slack.js";
import type { TelegramAccountConfig } from "./schema-telegram.js";
import type { WhatsAppAccountConfig } from "./schema-whatsapp.js";

type AllowEntry = string | number;

/** What every resolved account carries, whatever the channel. */
export interface ResolvedAccountBase<S> {
  channel: string;
  /** Normalised account id. */
  accountId: string;
  /** The key under `accounts` as written; undefined for the implicit default account. */
  configKey: string | undefined;
  /** Config path of the account's section. */
  path: string;
  enabled: boolean;
  name: string | undefined;
  /** Channel-level keys overlaid with the account's own (account wins), credentials removed. */
  settings: S;
  /** Effective DM policy (legacy `dm.policy` honoured), default `pairing`. */
  dmPolicy: DmPolicy;
  /** Effective DM allowlist (legacy `dm.allowFrom` honoured). */
  allowFrom: AllowEntry[];
  /** Effective group policy: account → channel → `channels.defaults.groupPolicy` → `allowlist`. */
  groupPolicy: GroupPolicy;
  /** Group sender list as configured; undefined means "fall back to allowFrom" (spec §4.1). */
  groupAllowFrom: AllowEntry[] | undefined;
}

export type CredentialSource = "config" | "tokenFile" | "env" | "none";

export interface ResolvedTelegramAccount extends ResolvedAccountBase<TelegramAccountConfig> {
  channel: "telegram";
  botToken: string | undefined;
  /** Path to read the token from; the gateway reads it (regular file, no symlinks). */
  tokenFile: string | undefined;
  tokenSource: CredentialSource;
  apiRoot: string | undefined;
  webhook:
    | {
        url: string;
        secret: string | undefined;
        path: string | undefined;
        host: string | undefined;
        port: number | undefined;
      }
    | undefined;
}

export interface ResolvedDiscordAccount extends ResolvedAccountBase<DiscordAccountConfig> {
  channel: "discord";
  token: string | undefined;
  tokenSource: CredentialSource;
  restApi: string | undefined;
}

export interface ResolvedSlackAccount extends ResolvedAccountBase<SlackAccountConfig> {
  channel: "slack";
  mode: "socket" | "http";
  botToken: string | undefined;
  appToken: string | undefined;
  userToken: string | undefined;
  signingSecret: string | undefined;
  apiUrl: string | undefined;
  webhookPath: string | undefined;
}

export interface ResolvedWhatsAppAccount extends ResolvedAccountBase<WhatsAppAccountConfig> {
  channel: "whatsapp";
  /** Configured authDir, else `<stateDir>/credentials/whatsapp/<accountId>` when a stateDir is given. */
  authDir: string | undefined;
  webSocketUrl: string | undefined;
}

export interface ResolvedGenericAccount extends ResolvedAccountBase<SettingsRecord> {}

export type ResolvedChannelAccount =
  | ResolvedTelegramAccount
  | ResolvedDiscordAccount
  | ResolvedSlackAccount
  | ResolvedWhatsAppAccount
  | ResolvedGenericAccount;

export interface ResolveAccountsOptions {
  /** State dir for derived defaults (WhatsApp authDir). */
  stateDir?: string;
  /** File reader for `source: "file"` SecretRefs (core does no I/O itself). */
  readFile?: (path: string) => string;
}

const DEFAULT_ENV: Record<string, Record<string, string>> = {
  telegram: { botToken: "TELEGRAM_BOT_TOKEN" },
  discord: { token: "DISCORD_BOT_TOKEN" },
  slack: { botToken: "SLACK_BOT_TOKEN", appToken: "SLACK_APP_TOKEN", userToken: "SLACK_USER_TOKEN" },
};

interface Resolver {
  section: AccountSection;
  env: EnvLike;
  config: PatchbayConfig;
  options: ResolveAccountsOptions;
  issues: ConfigIssue[];
}

/** The raw credential value and its path: own section first, channel level only for `default`. */
function rawCredential(section: AccountSection, key: string): { value: unknown; path: string } | undefined {
  if (section.own[key] !== undefined) return { value: section.own[key], path: `${section.path}.${key}` };
  if (section.accountId === DEFAULT_ACCOUNT_ID && section.channelLevel[key] !== undefined) {
    return { value: section.channelLevel[key], path: `channels.${section.channel}.${key}` };
  }
  return undefined;
}

/** A secret from config, else (default account only) the channel's env fallback. */
function credential(r: Resolver, key: string): { value: string | undefined; source: CredentialSource } {
  const raw = rawCredential(r.section, key);
  if (raw) {
    try {
      const value = resolveSecret(raw.value as SecretInputValue, r.env, {
        path: raw.path,
        providers: r.config.secrets?.providers as Record<string, unknown> | undefined,
        ...(r.options.readFile ? { readFile: r.options.readFile } : {}),
      });
      if (value !== undefined) return { value, source: "config" };
    } catch (error) {
      if (error instanceof ConfigError) r.issues.push(...error.issues);
      else throw error;
      return { value: undefined, source: "none" };
    }
  }
  const envName = DEFAULT_ENV[r.section.channel]?.[key];
  if (envName && r.section.accountId === DEFAULT_ACCOUNT_ID) {
    const value = r.env[envName]?.trim();
    if (value) return { value, source: "env" };
  }
  return { value: undefined, source: "none" };
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

function base(r: Resolver): ResolvedAccountBase<SettingsRecord> {
  const { section, config } = r;
  const settings: SettingsRecord = { ...section.merged };
  for (const key of CREDENTIAL_KEYS[section.channel] ?? []) {
    if (section.own[key] === undefined && section.accountId !== DEFAULT_ACCOUNT_ID) delete settings[key];
  }
  const access = effectiveDmAccess([section.own, section.channelLevel]);
  const groupPolicy = (settings.groupPolicy ??
    config.channels?.defaults?.groupPolicy ??
    "allowlist") as GroupPolicy;
  const groupAllowFrom = settings.groupAllowFrom;
  return {
    channel: section.channel,
    accountId: section.accountId,
    configKey: section.configKey,
    path: section.path,
    enabled: section.enabled,
    name: str(settings.name),
    settings,
    dmPolicy: (access.dmPolicy ?? "pairing") as DmPolicy,
    allowFrom: expandAccessGroups((access.allowFrom ?? []) as AllowEntry[], config, section.channel),
    groupPolicy,
    groupAllowFrom: Array.isArray(groupAllowFrom)
      ? expandAccessGroups(groupAllowFrom as AllowEntry[], config, section.channel)
      : undefined,
  };
}

function telegram(r: Resolver): ResolvedTelegramAccount {
  const b = base(r);
  const s = b.settings;
  let botToken: string | undefined;
  let tokenFile: string | undefined;
  let tokenSource: CredentialSource = "none";
  const ownFile = str(r.section.own.tokenFile);
  const ownToken = r.section.own.botToken !== undefined;
  if (r.section.enabled && ownFile) [tokenFile, tokenSource] = [ownFile, "tokenFile"];
  else if (
    r.section.enabled &&
    !ownToken &&
    r.section.accountId === DEFAULT_ACCOUNT_ID &&
    str(r.section.channelLevel.tokenFile)
  ) {
    [tokenFile, tokenSource] = [str(r.section.channelLevel.tokenFile), "tokenFile"];
  } else if (r.section.enabled) {
    const token = credential(r, "botToken");
    [botToken, tokenSource] = [token.value, token.source];
  }
  const url = str(s.webhookUrl);
  const secret = r.section.enabled ? credential(r, "webhookSecret").value : undefined;
  const webhook = url
    ? {
        url,
        secret,
        path: str(s.webhookPath),
        host: str(s.webhookHost),
        port: typeof s.webhookPort === "number" ? s.webhookPort : undefined,
      }
    : undefined;
  return {
    ...b,
    channel: "telegram",
    settings: s as TelegramAccountConfig,
    botToken,
    tokenFile,
    tokenSource,
    apiRoot: str(s.apiRoot),
    webhook,
  };
}

function discord(r: Resolver): ResolvedDiscordAccount {
  const b = base(r);
  const token = r.section.enabled ? credential(r, "token") : { value: undefined, source: "none" as const };
  return {
    ...b,
    channel: "discord",
    settings: b.settings as DiscordAccountConfig,
    token: token.value,
    tokenSource: token.source,
    restApi: str(b.settings.restApi),
  };
}

function slack(r: Resolver): ResolvedSlackAccount {
  const b = base(r);
  const get = (key: string) => (r.section.enabled ? credential(r, key).value : undefined);
  const [botToken, appToken, userToken, signingSecret] = [
    get("botToken"),
    get("appToken"),
    get("userToken"),
    get("signingSecret"),
  ];
  const explicit = b.settings.mode;
  // Spec/DESIGN: mode explicit, else an appToken means Socket Mode and a signingSecret alone means HTTP.
  const mode =
    explicit === "http" || explicit === "socket" ? explicit : !appToken && signingSecret ? "http" : "socket";
  const webhookPath = str(b.settings.webhookPath) ?? (mode === "http" ? "/slack/events" : undefined);
  return {
    ...b,
    channel: "slack",
    settings: b.settings as SlackAccountConfig,
    mode,
    botToken,
    appToken,
    userToken,
    signingSecret,
    apiUrl: str(b.settings.apiUrl),
    webhookPath,
  };
}

function whatsapp(r: Resolver): ResolvedWhatsAppAccount {
  const b = base(r);
  const configured = str(rawCredential(r.section, "authDir")?.value);
  const derived = r.options.stateDir
    ? path.join(r.options.stateDir, "credentials", "whatsapp", r.section.accountId)
    : undefined;
  return {
    ...b,
    channel: "whatsapp",
    settings: b.settings as WhatsAppAccountConfig,
    authDir: configured ?? derived,
    webSocketUrl: str(b.settings.webSocketUrl),
  };
}

export function resolveChannelAccounts(
  config: PatchbayConfig,
  channel: "telegram",
  env: EnvLike,
  options?: ResolveAccountsOptions,
): ResolvedTelegramAccount[];
export function resolveChannelAccounts(
  config: PatchbayConfig,
  channel: "discord",
  env: EnvLike,
  options?: ResolveAccountsOptions,
): ResolvedDiscordAccount[];
export function resolveChannelAccounts(
  config: PatchbayConfig,
  channel: "slack",
  env: EnvLike,
  options?: ResolveAccountsOptions,
): ResolvedSlackAccount[];
export function resolveChannelAccounts(
  config: PatchbayConfig,
  channel: "whatsapp",
  env: EnvLike,
  options?: ResolveAccountsOptions,
): ResolvedWhatsAppAccount[];
export function resolveChannelAccounts(
  config: PatchbayConfig,
  channel: string,
  env: EnvLike,
  options?: ResolveAccountsOptions,
): ResolvedChannelAccount[];
/**
 * Every configured account of a channel with its effective settings (spec §1.3): the `accounts` map,
 * or one implicit `default` account when there is none. Account keys beat channel keys; named
 * accounts inherit channel-level keys (allowFrom, endpoints…) but never `accounts.default.*` nor the
 * channel-level credentials, which belong to `default`. Env fallbacks (TELEGRAM_BOT_TOKEN, …) apply
 * to `default` only. Disabled accounts are listed with no credentials resolved. Throws ConfigError
 * listing every SecretRef that cannot be resolved (path + variable, never a value).
 */
export function resolveChannelAccounts(
  config: PatchbayConfig,
  channel: string,
  env: EnvLike,
  options: ResolveAccountsOptions = {},
): ResolvedChannelAccount[] {
  const issues: ConfigIssue[] = [];
  const name = channel.trim().toLowerCase();
  const accounts = listAccountSections(config, name).map((section) => {
    const r: Resolver = { section, env, config, options, issues };
    switch (name) {
      case "telegram":
        return telegram(r);
      case "discord":
        return discord(r);
      case "slack":
        return slack(r);
      case "whatsapp":
        return whatsapp(r);
      default:
        return base(r);
    }
  });
  if (issues.length > 0) throw new ConfigError(issues);
  return accounts;
}

/** The account an outbound send without accountId uses: `defaultAccount`, else `default`, else the first id. */
export function resolveDefaultAccountId(config: PatchbayConfig, channel: string): string | undefined {
  const sections = listAccountSections(config, channel.trim().toLowerCase());
  const raw = config.channels?.[channel]?.defaultAccount;
  const wanted =
    typeof raw === "string" && raw.trim()
      ? sections.find((s) => s.configKey === raw || s.accountId === raw.trim().toLowerCase())
      : undefined;
  return (
    wanted?.accountId ??
    sections.find((s) => s.accountId === DEFAULT_ACCOUNT_ID)?.accountId ??
    sections[0]?.accountId
  );
}
