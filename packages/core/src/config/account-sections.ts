import { DEFAULT_ACCOUNT_ID, normalizeConfigAccountId } from "./ids.js";
import { formatPath } from "./issues.js";

export type SettingsRecord = Record<string, unknown>;

/** Keys that belong to one account only: named accounts never inherit them from the channel level. */
export const CREDENTIAL_KEYS: Readonly<Record<string, readonly string[]>> = {
  telegram: ["botToken", "tokenFile", "webhookSecret"],
  discord: ["token"],
  slack: ["botToken", "appToken", "userToken", "signingSecret"],
  whatsapp: ["authDir"],
};

/** One configured account of a channel, before secrets are resolved. */
export interface AccountSection {
  channel: string;
  /** Normalised account id (spec §2.6). */
  accountId: string;
  /** The key as written under `accounts`, or undefined for the implicit default account. */
  configKey: string | undefined;
  /** Config path of the account's own section (the channel section for the implicit default). */
  path: string;
  /** True when the channel has no `accounts` map and the channel section itself is the account. */
  implicit: boolean;
  /** Keys written in the account's own section (empty for the implicit account). */
  own: SettingsRecord;
  /** Channel-level keys, without `accounts` and `defaultAccount`. */
  channelLevel: SettingsRecord;
  /** Channel-level keys overlaid with the account's own keys (shallow, account wins). */
  merged: SettingsRecord;
  enabled: boolean;
}

function isRecord(value: unknown): value is SettingsRecord {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The raw section `channels.<channel>`, if it is an object. */
export function channelSection(config: unknown, channel: string): SettingsRecord | undefined {
  if (!isRecord(config)) return undefined;
  const channels = config.channels;
  if (!isRecord(channels)) return undefined;
  const section = channels[channel];
  return isRecord(section) ? section : undefined;
}

/**
 * Every account of a channel (spec §1.3): the keys of `accounts`, or, when there is no non-empty
 * `accounts` map, one implicit `default` account made of the channel-level keys. Named accounts see
 * channel-level keys but never `accounts.default.*`. Sorted by account id, `default` first.
 */
export function listAccountSections(config: unknown, channel: string): AccountSection[] {
  const section = channelSection(config, channel);
  if (!section) return [];
  const { accounts, defaultAccount: _defaultAccount, ...channelLevel } = section;
  const channelEnabled = channelLevel.enabled !== false;
  const base = ["channels", channel];
  const entries = isRecord(accounts) ? Object.entries(accounts).filter(([key]) => key !== "") : [];
  if (entries.length === 0) {
    return [
      {
        channel,
        accountId: DEFAULT_ACCOUNT_ID,
        configKey: undefined,
        path: formatPath(base),
        implicit: true,
        own: {},
        channelLevel,
        merged: { ...channelLevel },
        enabled: channelEnabled,
      },
    ];
  }
  const byId = new Map<string, AccountSection>();
  for (const [key, value] of entries) {
    const own = isRecord(value) ? value : {};
    const accountId = normalizeConfigAccountId(key);
    if (byId.has(accountId)) continue; // first spelling wins; validation reports the clash
    byId.set(accountId, {
      channel,
      accountId,
      configKey: key,
      path: formatPath([...base, "accounts", key]),
      implicit: false,
      own,
      channelLevel,
      merged: { ...channelLevel, ...own },
      enabled: channelEnabled && own.enabled !== false,
    });
  }
  return [...byId.values()].sort((a, b) => {
    if (a.accountId === DEFAULT_ACCOUNT_ID) return -1;
    if (b.accountId === DEFAULT_ACCOUNT_ID) return 1;
    return a.accountId.localeCompare(b.accountId);
  });
}

/** Reads a key from the account's own section first, then the channel level (no deep merge). */
export function pick(section: AccountSection, key: string): unknown {
  return key in section.own ? section.own[key] : section.channelLevel[key];
}

/** Like `pick`, plus the path where the value was found. */
export function pickWithPath(section: AccountSection, key: string): { value: unknown; path: string } {
  if (key in section.own) return { value: section.own[key], path: `${section.path}.${key}` };
  return { value: section.channelLevel[key], path: `channels.${section.channel}.${key}` };
}

/** Effective DM policy and list, honouring the legacy `dm.policy`/`dm.allowFrom` spelling. */
export function effectiveDmAccess(layers: readonly SettingsRecord[]): {
  dmPolicy: string | undefined;
  allowFrom: unknown[] | undefined;
} {
  let dmPolicy: string | undefined;
  let allowFrom: unknown[] | undefined;
  for (const layer of layers) {
    const dm = isRecord(layer.dm) ? layer.dm : {};
    if (dmPolicy === undefined) {
      const value = layer.dmPolicy ?? dm.policy;
      if (typeof value === "string") dmPolicy = value;
    }
    if (allowFrom === undefined) {
      const value = layer.allowFrom ?? dm.allowFrom;
      if (Array.isArray(value)) allowFrom = value;
    }
  }
  return { dmPolicy, allowFrom };
}

/** Entries trimmed and stringified, blanks dropped (spec §4.1). */
export function normalizeEntries(list: readonly unknown[] | undefined): string[] {
  return (list ?? []).map((entry) => String(entry).trim()).filter((entry) => entry.length > 0);
}
