import { normalizeGroupPolicy } from "./decide.js";
import { isSenderAllowed } from "./sender-match.js";
import { slugifyName } from "./slug.js";
import { asBoolean, asRecord, normalizeEntries, own, toIdString } from "./values.js";

/** Input of {@link resolveDiscordGuildAccess}. */
export interface DiscordGuildAccessInput {
  /** The account's effective `channels.discord` config (see `resolveAccountConfig`). */
  readonly accountConfig: unknown;
  readonly guildId: unknown;
  readonly guildName?: unknown;
  readonly channelId: unknown;
  readonly channelName?: unknown;
  /** For threads: the parent channel, whose entry applies when the thread has none. */
  readonly parentChannelId?: unknown;
  readonly parentChannelName?: unknown;
  readonly senderId?: unknown;
  readonly senderName?: unknown;
  readonly memberRoleIds?: unknown;
}

/** Result of {@link resolveDiscordGuildAccess}. */
export interface DiscordGuildAccess {
  readonly allowed: boolean;
  readonly reason: string;
  /** channel entry → guild entry → true. */
  readonly requireMention: boolean;
  readonly ignoreOtherMentions: boolean;
  readonly guildEntry: Record<string, unknown> | undefined;
  readonly channelEntry: Record<string, unknown> | undefined;
}

function findGuild(guilds: Record<string, unknown> | undefined, id: string, name: unknown) {
  if (guilds === undefined) return undefined;
  const slug = slugifyName(name);
  const byKey = (key: string) => (key === "" ? undefined : asRecord(own(guilds, key)));
  const bySlugField = () =>
    slug === ""
      ? undefined
      : Object.values(guilds)
          .map(asRecord)
          .find((entry) => entry !== undefined && slugifyName(own(entry, "slug")) === slug);
  return byKey(id) ?? byKey(slug) ?? bySlugField() ?? byKey("*");
}

function findChannel(channels: Record<string, unknown> | undefined, id: string, name: unknown) {
  if (channels === undefined) return undefined;
  const slug = slugifyName(name);
  const byKey = (key: string) => (key === "" ? undefined : asRecord(own(channels, key)));
  return byKey(id) ?? byKey(slug) ?? (slug === "" ? undefined : byKey(`#${slug}`));
}

const nonEmpty = (value: unknown): string[] | undefined => {
  const entries = normalizeEntries(value);
  return entries.length > 0 ? entries : undefined;
};

/**
 * Discord guild-channel admission. `groupPolicy: "disabled"` blocks; `allowlist` (the default)
 * needs a `guilds.<id|slug>` or `guilds."*"` entry, and when that guild lists `channels`, the
 * channel (or a thread's parent) must be listed or `"*"`; `open` admits any guild. An entry with
 * `allow: false` or `enabled: false` blocks under every policy. When the channel or guild lists
 * `users` or `roles` (channel lists replace guild lists), the sender must match a user (ids; names
 * only with `dangerouslyAllowNameMatching`) OR hold a listed role. Never throws.
 */
export function resolveDiscordGuildAccess(input: DiscordGuildAccessInput): DiscordGuildAccess {
  const source = typeof input === "object" && input !== null ? input : ({} as DiscordGuildAccessInput);
  const config = asRecord(source.accountConfig);
  const policy = normalizeGroupPolicy(own(config, "groupPolicy"));
  const guilds = asRecord(own(config, "guilds"));
  const guildEntry = findGuild(guilds, toIdString(source.guildId), source.guildName);
  const channels = asRecord(own(guildEntry, "channels"));
  const channelEntry =
    findChannel(channels, toIdString(source.channelId), source.channelName) ??
    findChannel(channels, toIdString(source.parentChannelId), source.parentChannelName) ??
    asRecord(own(channels, "*"));
  const requireMention =
    asBoolean(own(channelEntry, "requireMention")) ?? asBoolean(own(guildEntry, "requireMention")) ?? true;
  const ignoreOtherMentions =
    asBoolean(own(channelEntry, "ignoreOtherMentions")) ??
    asBoolean(own(guildEntry, "ignoreOtherMentions")) ??
    false;
  const result = (allowed: boolean, reason: string): DiscordGuildAccess => ({
    allowed,
    reason,
    requireMention,
    ignoreOtherMentions,
    guildEntry,
    channelEntry,
  });

  if (policy === "disabled") return result(false, "groupPolicy=disabled");
  if (own(guildEntry, "enabled") === false) return result(false, "guild disabled");
  if (own(channelEntry, "allow") === false || own(channelEntry, "enabled") === false) {
    return result(false, "channel disabled");
  }
  if (policy === "allowlist") {
    if (guildEntry === undefined) return result(false, "groupPolicy=allowlist (guild not allowlisted)");
    const channelsListed = channels !== undefined && Object.keys(channels).length > 0;
    if (channelsListed && channelEntry === undefined) {
      return result(false, "groupPolicy=allowlist (channel not allowlisted)");
    }
  }
  const users = nonEmpty(own(channelEntry, "users")) ?? nonEmpty(own(guildEntry, "users")) ?? [];
  const roles = nonEmpty(own(channelEntry, "roles")) ?? nonEmpty(own(guildEntry, "roles")) ?? [];
  if (users.length === 0 && roles.length === 0) return result(true, `groupPolicy=${policy}`);
  const userMatch = isSenderAllowed({
    channel: "discord",
    allowFrom: users,
    senderId: source.senderId,
    senderName: source.senderName,
    dangerouslyAllowNameMatching: own(config, "dangerouslyAllowNameMatching"),
  });
  const roleIds = new Set(
    roles.map((role) =>
      role
        .replace(/^<@&/, "")
        .replace(/>$/, "")
        .replace(/^role:/i, ""),
    ),
  );
  const roleMatch = normalizeEntries(source.memberRoleIds).some((role) => roleIds.has(role));
  return userMatch || roleMatch
    ? result(true, `groupPolicy=${policy} (member allowlisted)`)
    : result(false, `groupPolicy=${policy} (member not allowlisted)`);
}
