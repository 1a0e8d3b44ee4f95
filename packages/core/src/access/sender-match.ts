import { asList, toIdString } from "./values.js";

/** Input of {@link isSenderAllowed}. */
export interface SenderAllowedInput {
  /** Channel name; selects the §4.5 normalisation. Unknown or missing → plain exact match. */
  readonly channel?: unknown;
  /** allowFrom-style list (strings or numbers); `"*"` admits everyone. */
  readonly allowFrom?: unknown;
  readonly senderId?: unknown;
  /** Display name / tag / slug, matched only with `dangerouslyAllowNameMatching`. */
  readonly senderName?: unknown;
  readonly dangerouslyAllowNameMatching?: unknown;
}

/**
 * Canonical form of an allowFrom entry or a sender id for a channel, or "" when the value can
 * never match on that channel (e.g. a Telegram `@username`).
 */
export function normalizeSenderEntry(channel: unknown, value: unknown): string {
  const raw = toIdString(value);
  if (raw === "") return "";
  switch (toIdString(channel).toLowerCase()) {
    case "whatsapp":
      return normalizeWhatsAppId(raw);
    case "telegram":
      return normalizeTelegramId(raw);
    case "discord":
      return normalizeDiscordId(raw);
    case "slack":
      return normalizeSlackId(raw);
    default:
      return raw;
  }
}

/**
 * WhatsApp: E.164. Strips any `scheme:` prefix (`whatsapp:`), a JID's `@server` part and device
 * suffix (`15551234567:3@s.whatsapp.net`), keeps digits only and forces a leading `+`.
 */
function normalizeWhatsAppId(raw: string): string {
  let value = raw.replace(/^[a-z][a-z0-9+.-]*:/i, "");
  const at = value.indexOf("@");
  if (at >= 0) value = value.slice(0, at).replace(/:\d+$/, "");
  const digits = value.replace(/\D/g, "");
  return digits === "" ? "" : `+${digits}`;
}

/** Telegram: numeric ids only, `telegram:`/`tg:` prefix stripped; legacy `@username` never matches. */
function normalizeTelegramId(raw: string): string {
  const value = raw.replace(/^(telegram|tg):/i, "").trim();
  return /^-?\d+$/.test(value) ? value : "";
}

/** Discord: snowflake ids; accepts `discord:`, `user:` and `<@id>` / `<@!id>` forms. */
function normalizeDiscordId(raw: string): string {
  return raw
    .replace(/^<@!?/, "")
    .replace(/>$/, "")
    .replace(/^discord:/i, "")
    .replace(/^user:/i, "")
    .trim()
    .toLowerCase();
}

/** Slack: case-insensitive ids; `slack:`, `user:`, `<@U…>` and `team:<T>:user:<U>` reduce to the user id. */
function normalizeSlackId(raw: string): string {
  let value = raw.replace(/^<@/, "").replace(/>$/, "").replace(/\|.*$/, "").trim();
  value = value.replace(/^slack:/i, "");
  const team = /^team:[^:]+:user:(.+)$/i.exec(value);
  if (team?.[1] !== undefined) value = team[1];
  value = value.replace(/^user:/i, "");
  return value.trim().toLowerCase();
}

/** Name form used with `dangerouslyAllowNameMatching`: lowercased, leading `@`/`#` dropped. */
function normalizeName(value: unknown): string {
  return toIdString(value).replace(/^[@#]/, "").trim().toLowerCase();
}

/**
 * True when the sender is on the list, using the channel's §4.5 normalisation. `"*"` admits
 * everyone. Names are compared only for Discord and Slack with `dangerouslyAllowNameMatching`
 * (for other channels a name entry is just an entry compared with the id). Never throws.
 */
export function isSenderAllowed(input: SenderAllowedInput): boolean {
  const source = typeof input === "object" && input !== null ? input : ({} as SenderAllowedInput);
  const entries = asList(source.allowFrom)
    .map(toIdString)
    .filter((entry) => entry !== "");
  if (entries.length === 0) return false;
  if (entries.includes("*")) return true;
  const channel = toIdString(source.channel).toLowerCase();
  const sender = normalizeSenderEntry(channel, source.senderId);
  if (sender !== "" && entries.some((entry) => normalizeSenderEntry(channel, entry) === sender)) return true;
  const nameMatching =
    source.dangerouslyAllowNameMatching === true && (channel === "discord" || channel === "slack");
  if (!nameMatching) return false;
  const name = normalizeName(source.senderName);
  if (name === "") return false;
  return entries.some((entry) => normalizeName(entry.replace(/^(discord|slack|user):/i, "")) === name);
}
