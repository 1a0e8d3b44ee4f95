/**
 * Maximum characters of text per message on each platform. Discord counts message content,
 * Telegram a message's text (4096 after entity parsing), WhatsApp and Slack are the practical
 * limits OpenClaw uses for one message body.
 */
export const PLATFORM_TEXT_LIMITS = {
  discord: 2000,
  telegram: 4096,
  whatsapp: 4000,
  slack: 4000,
} as const;

/** A platform with a known text limit. */
export type TextLimitPlatform = keyof typeof PLATFORM_TEXT_LIMITS;
