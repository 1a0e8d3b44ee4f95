import type { OutboundMessage } from "@patchbay/core";

/**
 * Slack's mrkdwn reserves `&`, `<` and `>` (its control sequences are `<@U…>`, `<#C…>`, `<!here>`,
 * `<url|label>`). Escaping them everywhere means an agent's text can never ping `@channel` or
 * forge a mention; it shows exactly what the agent wrote.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Inbound text with Slack's three entities decoded (mention and link tokens are left as they are). */
export function decodeSlackText(text: string): string {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

const FENCE = /^(\s*)(`{3,}|~{3,})/;

function safeUrl(url: string): string | undefined {
  return /^(https?:|mailto:)/i.test(url) ? url : undefined;
}

/** Inline markdown → mrkdwn for one line outside code (inline code spans kept verbatim, escaped). */
function convertInline(line: string): string {
  const parts = line.split(/(`[^`]*`)/g);
  return parts
    .map((part, index) => {
      if (index % 2 === 1) return escapeMrkdwn(part);
      const links: string[] = [];
      // Links first, on the raw text, so their URLs are not touched by the emphasis rules.
      let out = part.replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (whole, label: string, url: string) => {
        const safe = safeUrl(url);
        if (!safe) return whole;
        links.push(`<${escapeMrkdwn(safe)}|${escapeMrkdwn(label)}>`);
        return `\uE000${links.length - 1}\uE000`;
      });
      out = escapeMrkdwn(out);
      out = out
        .replace(/\*\*(.+?)\*\*/g, "\uE001$1\uE001")
        .replace(/__(.+?)__/g, "\uE001$1\uE001")
        .replace(/(^|[^*\w])\*(?!\s)([^*]+?)\*(?!\w)/g, "$1_$2_")
        .replace(/~~(.+?)~~/g, "~$1~")
        .replace(/\uE001/g, "*");
      return out.replace(/\uE000(\d+)\uE000/g, (_, i: string) => links[Number(i)] ?? "");
    })
    .join("");
}

/**
 * Common Markdown → Slack mrkdwn: **bold** → *bold*, *italic* → _italic_, ~~strike~~ → ~strike~,
 * [label](url) → <url|label>, headings → bold lines, bullets → •. Code blocks and spans stay
 * verbatim (escaped, as Slack requires everywhere).
 */
export function markdownToMrkdwn(markdown: string): string {
  const out: string[] = [];
  let fence: string | undefined;
  for (const line of markdown.replace(/\r\n?/g, "\n").split("\n")) {
    const marker = FENCE.exec(line)?.[2];
    if (fence !== undefined) {
      out.push(escapeMrkdwn(line));
      if (marker !== undefined && marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
      continue;
    }
    if (marker !== undefined) {
      fence = marker;
      // Slack shows no language tag: keep the fence bare.
      out.push(line.slice(0, line.indexOf(marker) + marker.length));
      continue;
    }
    const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      out.push(`*${convertInline(heading[1] ?? "")}*`);
      continue;
    }
    const bullet = /^(\s*)[-*+]\s+(.*)$/.exec(line);
    if (bullet) {
      out.push(`${bullet[1] ?? ""}• ${convertInline(bullet[2] ?? "")}`);
      continue;
    }
    out.push(convertInline(line));
  }
  return out.join("\n");
}

/** The text to post for `message`: markdown converted, plain text escaped. */
export function toSlackText(message: OutboundMessage): string {
  return message.format === "markdown" ? markdownToMrkdwn(message.text) : escapeMrkdwn(message.text);
}
