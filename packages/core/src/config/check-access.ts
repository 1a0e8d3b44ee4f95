import {
  type AccountSection,
  CREDENTIAL_KEYS,
  channelSection,
  effectiveDmAccess,
  listAccountSections,
  normalizeEntries,
  type SettingsRecord,
} from "./account-sections.js";
import type { CheckContext } from "./check-agents.js";
import { didYouMean } from "./did-you-mean.js";
import { DEFAULT_ACCOUNT_ID, normalizeConfigAccountId } from "./ids.js";
import { formatPath } from "./issues.js";
import { KNOWN_CHANNEL_NAMES } from "./schema-channels.js";

function isRecord(value: unknown): value is SettingsRecord {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Path of the allowFrom a layer uses: `allowFrom`, or the legacy `dm.allowFrom`. */
function allowFromPath(layer: SettingsRecord, base: string): string {
  if (layer.allowFrom === undefined && isRecord(layer.dm) && layer.dm.allowFrom !== undefined) {
    return `${base}.dm.allowFrom`;
  }
  return `${base}.allowFrom`;
}

function setsDmAccess(layer: SettingsRecord): boolean {
  const dm = isRecord(layer.dm) ? layer.dm : {};
  return (
    layer.dmPolicy !== undefined ||
    layer.allowFrom !== undefined ||
    dm.policy !== undefined ||
    dm.allowFrom !== undefined
  );
}

function setsAllowFrom(layer: SettingsRecord): boolean {
  return layer.allowFrom !== undefined || (isRecord(layer.dm) && layer.dm.allowFrom !== undefined);
}

function isPairing(dmPolicy: string | undefined): boolean {
  return dmPolicy === undefined || dmPolicy === "pairing";
}

/** "open" needs "*"; "allowlist" needs entries (Telegram: error, spec §4.5; elsewhere a warning). */
function checkPolicy(
  ctx: CheckContext,
  channel: string,
  where: string,
  label: string,
  layers: SettingsRecord[],
): void {
  const { dmPolicy, allowFrom } = effectiveDmAccess(layers);
  const entries = normalizeEntries(allowFrom);
  if (dmPolicy === "open" && !entries.includes("*")) {
    ctx.errors.push({
      path: where,
      message: `dmPolicy "open" requires "*" in the effective allowFrom of ${label}`,
    });
  }
  if (dmPolicy === "allowlist" && entries.length === 0) {
    const issue = {
      path: where,
      message: `dmPolicy "allowlist" with an empty allowFrom blocks every DM on ${label}`,
    };
    (channel === "telegram" ? ctx.errors : ctx.warnings).push(issue);
  }
}

function bypassMessage(label: string, inheritors: readonly string[]): string {
  const inherited = inheritors.length > 0 ? ` Inherited by account(s): ${inheritors.join(", ")}.` : "";
  return (
    `"*" in allowFrom admits every sender, so dmPolicy "pairing" is bypassed on ${label} ` +
    `(upstream issue #136082).${inherited}`
  );
}

/** The DM rules for a channel level and each account that sets its own DM access. */
function checkDmAccess(
  ctx: CheckContext,
  channel: string,
  channelLevel: SettingsRecord,
  sections: AccountSection[],
): void {
  const label = `channels.${channel}`;
  checkPolicy(ctx, channel, allowFromPath(channelLevel, label), label, [channelLevel]);
  const channelEntries = normalizeEntries(effectiveDmAccess([channelLevel]).allowFrom);
  if (channelEntries.includes("*")) {
    // Accounts that take the channel-level list and still run pairing are the ones silently opened.
    const affected = sections.filter(
      (s) =>
        s.enabled && !setsAllowFrom(s.own) && isPairing(effectiveDmAccess([s.own, channelLevel]).dmPolicy),
    );
    if (affected.length > 0) {
      const named = affected.filter((s) => !s.implicit).map((s) => s.accountId);
      ctx.warnings.push({ path: allowFromPath(channelLevel, label), message: bypassMessage(label, named) });
    }
  }
  for (const account of sections) {
    if (account.implicit || !account.enabled || !setsDmAccess(account.own)) continue;
    const layers = [account.own, channelLevel];
    const where = setsAllowFrom(account.own)
      ? allowFromPath(account.own, account.path)
      : `${account.path}.dmPolicy`;
    checkPolicy(ctx, channel, where, account.path, layers);
    const { dmPolicy, allowFrom } = effectiveDmAccess(layers);
    if (setsAllowFrom(account.own) && isPairing(dmPolicy) && normalizeEntries(allowFrom).includes("*")) {
      ctx.warnings.push({ path: where, message: bypassMessage(account.path, []) });
    }
  }
}

function checkTelegramIds(ctx: CheckContext, list: unknown, path: readonly (string | number)[]): void {
  if (!Array.isArray(list)) return;
  list.forEach((entry, index) => {
    const text = String(entry)
      .trim()
      .replace(/^(telegram|tg):/i, "");
    if (text === "*" || text === "" || /^-?\d+$/.test(text) || text.startsWith("accessGroup:")) return;
    ctx.warnings.push({
      path: formatPath([...path, index]),
      message: `Telegram allowFrom entry "${String(entry)}" is not a numeric user id; it is ignored for sender authorisation`,
    });
  });
}

function checkTelegramSection(
  ctx: CheckContext,
  section: SettingsRecord,
  path: readonly (string | number)[],
): void {
  checkTelegramIds(ctx, section.allowFrom, [...path, "allowFrom"]);
  checkTelegramIds(ctx, section.groupAllowFrom, [...path, "groupAllowFrom"]);
  if (!isRecord(section.groups)) return;
  for (const [groupId, group] of Object.entries(section.groups)) {
    if (!isRecord(group)) continue;
    checkTelegramIds(ctx, group.allowFrom, [...path, "groups", groupId, "allowFrom"]);
    if (!isRecord(group.topics)) continue;
    for (const [topicId, topic] of Object.entries(group.topics)) {
      if (isRecord(topic))
        checkTelegramIds(ctx, topic.allowFrom, [...path, "groups", groupId, "topics", topicId, "allowFrom"]);
    }
  }
}

function checkDuplicateAccountKeys(ctx: CheckContext, channel: string, section: SettingsRecord): void {
  if (!isRecord(section.accounts)) return;
  const seen = new Map<string, string>();
  for (const key of Object.keys(section.accounts)) {
    const id = normalizeConfigAccountId(key);
    const first = seen.get(id);
    if (first === undefined) seen.set(id, key);
    else
      ctx.errors.push({
        path: formatPath(["channels", channel, "accounts", key]),
        message: `Account "${key}" normalises to "${id}", the same id as accounts["${first}"]`,
      });
  }
}

/** Channel-level credentials belong to `default`; with an accounts map lacking it they go unused. */
function checkOrphanCredentials(
  ctx: CheckContext,
  channel: string,
  channelLevel: SettingsRecord,
  sections: readonly AccountSection[],
): void {
  if (sections.length === 0 || sections.some((s) => s.accountId === DEFAULT_ACCOUNT_ID)) return;
  for (const key of CREDENTIAL_KEYS[channel] ?? []) {
    if (channelLevel[key] === undefined) continue;
    ctx.warnings.push({
      path: `channels.${channel}.${key}`,
      message:
        `channels.${channel}.${key} is used only by the account named default, which is not configured ` +
        `(accounts: ${sections.map((s) => s.accountId).join(", ")}); named accounts do not inherit credentials`,
    });
  }
}

/** Access rules per channel and account, Telegram id formats, unknown channel names. */
export function checkChannels(ctx: CheckContext): void {
  const channels = ctx.config.channels;
  if (!channels) return;
  for (const channel of Object.keys(channels)) {
    if (channel === "defaults") continue;
    const section = channelSection(ctx.config, channel);
    if (!section) continue;
    if (!KNOWN_CHANNEL_NAMES.includes(channel)) {
      const suggestion = didYouMean(channel, KNOWN_CHANNEL_NAMES);
      ctx.warnings.push({
        path: `channels.${channel}`,
        message:
          `Unknown channel "${channel}"; Patchbay has no adapter for it` +
          (suggestion ? `. Did you mean "${suggestion}"?` : ""),
        ...(suggestion ? { didYouMean: suggestion } : {}),
      });
    }
    checkDuplicateAccountKeys(ctx, channel, section);
    const sections = listAccountSections(ctx.config, channel);
    const { accounts: _accounts, defaultAccount: _default, ...channelLevel } = section;
    checkDmAccess(ctx, channel, channelLevel, sections);
    checkOrphanCredentials(ctx, channel, channelLevel, sections);
    if (channel === "telegram") {
      checkTelegramSection(ctx, channelLevel, ["channels", "telegram"]);
      for (const account of sections) {
        if (account.configKey !== undefined) {
          checkTelegramSection(ctx, account.own, ["channels", "telegram", "accounts", account.configKey]);
        }
      }
    }
  }
}
