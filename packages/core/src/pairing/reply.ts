import { normalizeChannelId, normalizePeerId } from "../router/index.js";

/** Input of {@link buildPairingReply}. */
export interface PairingReplyInput {
  readonly channel: unknown;
  readonly code: unknown;
  /** Shown in the id line (`Your Telegram user id: 123`) unless `idLine` is given. */
  readonly senderId?: unknown;
  /** Replaces the generated id line; an empty string drops it. */
  readonly idLine?: string;
}

const ID_LABELS: Record<string, string> = {
  telegram: "Your Telegram user id",
  whatsapp: "Your WhatsApp phone number",
  discord: "Your Discord user id",
  slack: "Your Slack user id",
  signal: "Your Signal number",
  imessage: "Your iMessage handle",
};

/**
 * The one-time reply to an unknown DM sender under `dmPolicy: "pairing"` (§4.3 layout, branded
 * Patchbay), with the code and the approve command in inline code formatting:
 *
 * ```text
 * Patchbay: access not configured.
 *
 * Your Telegram user id: 123
 *
 * Pairing code: `ABCD2345`
 *
 * Ask the bot owner to approve with:
 * `patchbay pairing approve telegram ABCD2345`
 * ```
 */
export function buildPairingReply(input: PairingReplyInput): string {
  const channel = normalizeChannelId(input?.channel) || "unknown";
  const code = normalizePeerId(input?.code).toUpperCase();
  const senderId = normalizePeerId(input?.senderId);
  const label = ID_LABELS[channel] ?? `Your ${channel.charAt(0).toUpperCase()}${channel.slice(1)} id`;
  const idLine = input?.idLine ?? (senderId === "" ? "" : `${label}: ${senderId}`);
  return [
    "Patchbay: access not configured.",
    ...(idLine.trim() === "" ? [] : ["", idLine]),
    "",
    `Pairing code: \`${code}\``,
    "",
    "Ask the bot owner to approve with:",
    `\`patchbay pairing approve ${channel} ${code}\``,
  ].join("\n");
}
