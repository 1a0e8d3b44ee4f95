import { normalizeGroupPolicy } from "./decide.js";
import { isSenderAllowed } from "./sender-match.js";
import { slugifyName } from "./slug.js";
import { asBoolean, asRecord, normalizeEntries, own, toIdString } from "./values.js";

/** Input of {@link resolveSlackChannelAccess}. */
export interface SlackChannelAccessInput {
  /** The account's effective `channels.slack` config (see `resolveAccountConfig`). */
  readonly accountConfig: unknown;
  readonly channelId: unknown;
  /** Used for lookup only with `dangerouslyAllowNameMatching`. */
  readonly channelName?: unknown;
  readonly senderId?: unknown;
  readonly senderName?: unknown;
}

/** Result of {@link resolveSlackChannelAccess}. */
export interface SlackChannelAccess {
  readonly allowed: boolean;
  readonly reason: string;
  /** channel entry → account `requireMention` → true. */
  readonly requireMention: boolean;
  /** channel entry → account `allowBots` → false. */
  readonly allowBots: boolean;
  readonly channelEntry: Record<string, unknown> | undefined;
}

/**
 * Slack channel admission. `groupPolicy: "disabled"` blocks; `allowlist` (the default) needs a
 * `channels.<channelId>` entry (or `"*"`) whose `allow`/`enabled` is not false; `open` admits any
 * channel not explicitly disallowed. Keys are channel ids (compared case-insensitively); names are
 * looked up only with `dangerouslyAllowNameMatching`. A non-empty `users` list restricts senders.
 * Never throws.
 */
export function resolveSlackChannelAccess(input: SlackChannelAccessInput): SlackChannelAccess {
  const source = typeof input === "object" && input !== null ? input : ({} as SlackChannelAccessInput);
  const config = asRecord(source.accountConfig);
  const policy = normalizeGroupPolicy(own(config, "groupPolicy"));
  const channels = asRecord(own(config, "channels"));
  const dangerous = own(config, "dangerouslyAllowNameMatching") === true;
  const channelId = toIdString(source.channelId);
  let channelEntry: Record<string, unknown> | undefined;
  if (channels !== undefined) {
    const keys = Object.keys(channels);
    const byKey = (key: string | undefined) => (key === undefined ? undefined : asRecord(own(channels, key)));
    const idKey =
      channelId === "" ? undefined : keys.find((key) => key.toLowerCase() === channelId.toLowerCase());
    channelEntry = byKey(idKey);
    const name = toIdString(source.channelName).replace(/^#/, "");
    if (channelEntry === undefined && dangerous && name !== "") {
      const slug = slugifyName(name);
      channelEntry = byKey(
        keys.find((key) => key === `#${name}` || key === name || slugifyName(key) === slug),
      );
    }
    channelEntry ??= byKey("*");
  }
  const requireMention =
    asBoolean(own(channelEntry, "requireMention")) ?? asBoolean(own(config, "requireMention")) ?? true;
  const allowBots = asBoolean(own(channelEntry, "allowBots")) ?? asBoolean(own(config, "allowBots")) ?? false;
  const result = (allowed: boolean, reason: string): SlackChannelAccess => ({
    allowed,
    reason,
    requireMention,
    allowBots,
    channelEntry,
  });

  if (policy === "disabled") return result(false, "groupPolicy=disabled");
  if (own(channelEntry, "allow") === false || own(channelEntry, "enabled") === false) {
    return result(false, "channel disabled");
  }
  if (policy === "allowlist" && channelEntry === undefined) {
    return result(false, "groupPolicy=allowlist (channel not allowlisted)");
  }
  const users = normalizeEntries(own(channelEntry, "users"));
  if (users.length === 0) return result(true, `groupPolicy=${policy}`);
  return isSenderAllowed({
    channel: "slack",
    allowFrom: users,
    senderId: source.senderId,
    senderName: source.senderName,
    dangerouslyAllowNameMatching: dangerous,
  })
    ? result(true, `groupPolicy=${policy} (user allowlisted)`)
    : result(false, `groupPolicy=${policy} (user not allowlisted)`);
}
