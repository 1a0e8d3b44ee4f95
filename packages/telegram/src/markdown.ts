/**
 * A small parser for the Markdown agents write (CommonMark-ish): fenced code, block quotes,
 * headings, and inline code, bold, italic, strikethrough and links. Anything else stays text.
 * It produces a tree that format.ts renders to Telegram HTML or MarkdownV2.
 */

export type Inline =
  | { type: "text"; value: string }
  | { type: "code"; value: string }
  | { type: "bold" | "italic" | "strike"; children: Inline[] }
  | { type: "link"; url: string; children: Inline[] };

export type Block =
  | { type: "line"; content: Inline[] }
  | { type: "heading"; content: Inline[] }
  | { type: "quote"; lines: Inline[][] }
  | { type: "code"; language?: string; value: string };

const FENCE = /^\s*(`{3,}|~{3,})\s*([\w+#.-]*)\s*$/;

export function parseMarkdown(source: string): Block[] {
  const lines = source.replace(/\r\n?/g, "\n").split("\n");
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const fence = FENCE.exec(line);
    if (fence) {
      const marker = fence[1] as string;
      const body: string[] = [];
      let j = i + 1;
      while (j < lines.length && !(lines[j] as string).trim().startsWith(marker))
        body.push(lines[j++] as string);
      const block: Block = { type: "code", value: body.join("\n") };
      if (fence[2]) block.language = fence[2];
      blocks.push(block);
      i = j;
      continue;
    }
    const quote = /^>\s?(.*)$/.exec(line);
    if (quote) {
      const previous = blocks.at(-1);
      const content = parseInline(quote[1] as string);
      if (previous?.type === "quote") previous.lines.push(content);
      else blocks.push({ type: "quote", lines: [content] });
      continue;
    }
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      blocks.push({ type: "heading", content: parseInline(heading[1] as string) });
      continue;
    }
    blocks.push({ type: "line", content: parseInline(line) });
  }
  return blocks;
}

const DELIMITERS: ReadonlyArray<readonly [string, "bold" | "italic" | "strike"]> = [
  ["**", "bold"],
  ["__", "bold"],
  ["~~", "strike"],
  ["*", "italic"],
  ["_", "italic"],
];

const isWord = (ch: string | undefined) => ch !== undefined && /[\p{L}\p{N}]/u.test(ch);
const isSpace = (ch: string | undefined) => ch === undefined || /\s/.test(ch);

export function parseInline(source: string): Inline[] {
  const out: Inline[] = [];
  let text = "";
  const flush = () => {
    if (text) out.push({ type: "text", value: text });
    text = "";
  };
  let i = 0;
  while (i < source.length) {
    const ch = source[i] as string;
    // A backslash escape in Markdown makes the next punctuation literal.
    if (ch === "\\" && /[!-/:-@[-`{-~]/.test(source[i + 1] ?? "")) {
      text += source[i + 1];
      i += 2;
      continue;
    }
    if (ch === "`") {
      const close = source.indexOf("`", i + 1);
      if (close > i + 1) {
        flush();
        out.push({ type: "code", value: source.slice(i + 1, close) });
        i = close + 1;
        continue;
      }
    }
    if (ch === "[") {
      const link = readLink(source, i);
      if (link) {
        flush();
        out.push({ type: "link", url: link.url, children: parseInline(link.label) });
        i = link.end;
        continue;
      }
    }
    const delimiter = DELIMITERS.find(([marker]) => source.startsWith(marker, i));
    if (delimiter) {
      const [marker, type] = delimiter;
      const close = opens(source, i, marker) ? findClose(source, i + marker.length, marker) : -1;
      if (close > 0) {
        flush();
        out.push({ type, children: parseInline(source.slice(i + marker.length, close)) });
        i = close + marker.length;
        continue;
      }
      // Not an emphasis: keep the whole marker as text so `**` is not re-read as two `*`.
      text += marker;
      i += marker.length;
      continue;
    }
    text += ch;
    i += 1;
  }
  flush();
  return out;
}

function opens(source: string, at: number, marker: string): boolean {
  if (isSpace(source[at + marker.length])) return false;
  // snake_case_words are not emphasis.
  return !(marker.startsWith("_") && isWord(source[at - 1]));
}

function findClose(source: string, from: number, marker: string): number {
  for (let j = from; j < source.length; j++) {
    if (source[j] === "`") {
      const close = source.indexOf("`", j + 1);
      if (close > j) j = close;
      continue;
    }
    if (!source.startsWith(marker, j) || isSpace(source[j - 1]) || j === from) continue;
    // A single `*` must not close on half of a `**`.
    if (marker.length === 1 && source[j + 1] === marker) {
      j += 1;
      continue;
    }
    if (marker.startsWith("_") && isWord(source[j + marker.length])) continue;
    return j;
  }
  return -1;
}

/** `[label](url)` at `at`; the URL may hold balanced parentheses, as in CommonMark. */
function readLink(source: string, at: number): { label: string; url: string; end: number } | undefined {
  const labelEnd = source.indexOf("](", at);
  if (labelEnd < 0) return undefined;
  const label = source.slice(at + 1, labelEnd);
  if (label === "" || /[\]\n]/.test(label)) return undefined;
  let depth = 0;
  for (let j = labelEnd + 2; j < source.length; j++) {
    const ch = source[j] as string;
    if (/\s/.test(ch)) return undefined;
    if (ch === "(") depth += 1;
    else if (ch === ")") {
      if (depth === 0) {
        const url = source.slice(labelEnd + 2, j);
        return url ? { label, url, end: j + 1 } : undefined;
      }
      depth -= 1;
    }
  }
  return undefined;
}
