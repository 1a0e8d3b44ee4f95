import type { OutboundFormat } from "@patchbay/core";

/** Inline markdown characters Discord formats anywhere in a line. */
const INLINE_SPECIALS = /([\\*_~`|])/g;
/** Block markers Discord formats only at the start of a line: quotes, headings, lists. */
const LINE_START_SPECIALS = /^(\s*)([>#-])/gm;

/** Escapes text so Discord shows it literally (for `format: "plain"`). */
export function escapeMarkdown(text: string): string {
  return text.replace(INLINE_SPECIALS, "\\$1").replace(LINE_START_SPECIALS, "$1\\$2");
}

/**
 * Renders outbound text in Discord's dialect. Discord speaks (its own) markdown natively, so
 * markdown passes through unchanged; plain text is escaped so it is not formatted by accident.
 */
export function formatForDiscord(text: string, format: OutboundFormat | undefined): string {
  return format === "plain" ? escapeMarkdown(text) : text;
}
