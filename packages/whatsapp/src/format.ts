import type { OutboundFormat } from "@patchbay/core";

const FENCE = /^(\s*)(```|~~~)/;

function inline(line: string): string {
  // Protect inline code spans, convert the rest, then put the spans back.
  const spans: string[] = [];
  let out = line.replace(/`[^`\n]+`/g, (span) => {
    spans.push(span);
    return `\uE000${spans.length - 1}\uE000`;
  });
  out = out
    .replace(/!\[([^\]]*)\]\(([^)\s]+)\)/g, "$1 ($2)")
    .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_m, text: string, url: string) =>
      text === url ? url : `${text} (${url})`,
    )
    .replace(/(\*\*|__)(?=\S)(.+?)(?<=\S)\1/g, "\uE001$2\uE001")
    .replace(/(?<![*\w])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![*\w])/g, "_$1_")
    .replace(/~~(?=\S)(.+?)(?<=\S)~~/g, "~$1~")
    .replace(/\uE001/g, "*");
  return out.replace(/\uE000(\d+)\uE000/g, (_m, index: string) => spans[Number(index)] ?? "");
}

/**
 * Converts common Markdown to WhatsApp's dialect: `**b**`/`__b__` → `*b*`, `*i*` → `_i_`,
 * `~~s~~` → `~s~`, headings → bold lines, links → `text (url)`. Code (fenced and inline) is kept
 * as is; WhatsApp renders ``` blocks and `inline` spans itself. Plain text passes through.
 */
export function toWhatsAppText(text: string, format: OutboundFormat | undefined): string {
  if (format !== "markdown") return text;
  let inFence = false;
  return text
    .split("\n")
    .map((line) => {
      if (FENCE.test(line)) {
        inFence = !inFence;
        return line.trim();
      }
      if (inFence) return line;
      const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
      if (heading) return `*${inline(heading[1] ?? "").replace(/\*/g, "")}*`;
      const bullet = /^(\s*)[-+]\s+(.*)$/.exec(line);
      if (bullet) return `${bullet[1] ?? ""}• ${inline(bullet[2] ?? "")}`;
      return inline(line);
    })
    .join("\n");
}
