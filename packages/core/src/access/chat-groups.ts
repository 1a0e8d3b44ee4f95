import { type GroupPolicy, normalizeGroupPolicy } from "./decide.js";
import { asBoolean, asRecord, normalizeEntries, own, toIdString } from "./values.js";

/** Result of {@link resolveChatGroupAccess}. */
export interface ChatGroupAccess {
  /** The group passes the `groups` allowlist (and is not disabled). */
  readonly allowed: boolean;
  readonly reason: string;
  /** Effective requireMention (topic → "*" topic → group → "*" group → true). */
  readonly requireMention: boolean;
  /** groupPolicy after per-topic / per-group overrides. */
  readonly groupPolicy: GroupPolicy;
  /**
   * Per-topic / per-group sender list that replaces `groupAllowFrom`/`allowFrom` for this chat, or
   * undefined when neither sets one.
   */
  readonly allowFrom: string[] | undefined;
  /** Telegram `groups.<chat>.topics.<thread>.agentId`: overrides the routed agent. */
  readonly agentId: string | undefined;
  /** The matched group entry (explicit id or "*"), for other per-group keys (tools, systemPrompt, …). */
  readonly groupEntry: Record<string, unknown> | undefined;
  readonly topicEntry: Record<string, unknown> | undefined;
}

/**
 * Group admission for channels with a `groups` map (Telegram, WhatsApp, and also iMessage, Signal,
 * Matrix). `accountConfig` is the account's effective config (see `resolveAccountConfig`).
 *
 * A present, non-empty `groups` map is a group allowlist (`"*"` admits every group) under
 * `groupPolicy: "allowlist"`; `open` bypasses it ("groups bypass allowlists; mention gating still
 * applies"). Assumptions where the spec is vague: an entry or topic with `enabled: false` blocks
 * under every policy; `groupPolicy: "disabled"` at account, group or topic level blocks. Ids are
 * compared exactly after trimming (Telegram chat ids are numeric strings, WhatsApp JIDs). The sender
 * check stays with `decideDmGroupAccess`, fed with `allowFrom` below when set.
 */
export function resolveChatGroupAccess(input: {
  readonly accountConfig: unknown;
  readonly groupId: unknown;
  /** Telegram forum topic (message_thread_id). */
  readonly topicId?: unknown;
}): ChatGroupAccess {
  const source =
    typeof input === "object" && input !== null ? input : { accountConfig: undefined, groupId: "" };
  const config = asRecord(source.accountConfig);
  const groups = asRecord(own(config, "groups"));
  const groupId = toIdString(source.groupId);
  const topicId = toIdString(source.topicId);
  const explicit = groupId === "" ? undefined : asRecord(own(groups, groupId));
  const wildcard = asRecord(own(groups, "*"));
  const groupEntry = explicit ?? wildcard;
  const topicOf = (entry: Record<string, unknown> | undefined) =>
    topicId === "" ? undefined : asRecord(own(asRecord(own(entry, "topics")), topicId));
  const topicEntry = topicOf(explicit) ?? topicOf(wildcard);

  const pick = <T>(read: (entry: Record<string, unknown> | undefined) => T | undefined): T | undefined =>
    read(topicOf(explicit)) ?? read(topicOf(wildcard)) ?? read(explicit) ?? read(wildcard);
  const requireMention = pick((entry) => asBoolean(own(entry, "requireMention"))) ?? true;
  const policyOverride = pick((entry) => {
    const value = own(entry, "groupPolicy");
    return value === undefined || value === null ? undefined : value;
  });
  const groupPolicy = normalizeGroupPolicy(policyOverride ?? own(config, "groupPolicy"));
  const listOverride = pick((entry) => {
    const value = own(entry, "allowFrom");
    return value === undefined || value === null ? undefined : value;
  });
  const agentId = toIdString(own(topicEntry, "agentId")) || undefined;
  const base = { requireMention, groupPolicy, agentId, groupEntry, topicEntry };
  const allowFrom = listOverride === undefined ? undefined : normalizeEntries(listOverride);

  const result = (allowed: boolean, reason: string): ChatGroupAccess => ({
    ...base,
    allowFrom,
    allowed,
    reason,
  });
  if (groupPolicy === "disabled") return result(false, "groupPolicy=disabled");
  const mapConfigured = groups !== undefined && Object.keys(groups).length > 0;
  if (groupPolicy === "allowlist" && mapConfigured && groupEntry === undefined)
    return result(false, "group not in groups allowlist");
  if (own(groupEntry, "enabled") === false) return result(false, "group disabled");
  if (own(topicEntry, "enabled") === false) return result(false, "topic disabled");
  return result(true, mapConfigured ? "group allowlisted" : "no groups allowlist");
}
