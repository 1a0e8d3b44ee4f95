import type { TgEntityType, TgMessageEntity } from "./wire.js";

/** What a formatted outbound text looks like to the user: visible text plus entities. */
export interface ParsedText {
  text: string;
  entities: TgMessageEntity[];
}

/** Thrown when a text does not parse in its parse_mode; becomes Telegram's 400 "can't parse entities". */
export class EntityParseError extends Error {
  constructor(detail: string) {
    super(`Bad Request: can't parse entities: ${detail}`);
    this.name = "EntityParseError";
  }
}

/**
 * The entities Telegram's server computes for a plain user message: @mentions, /commands (with an
 * optional @botname) and http(s) URLs. Offsets are UTF-16 code units, like JavaScript strings.
 */
export function detectEntities(text: string): TgMessageEntity[] {
  const found: TgMessageEntity[] = [];
  const patterns: Array<[TgEntityType, RegExp]> = [
    ["bot_command", /(^|\s)(\/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?)(?![A-Za-z0-9_@])/g],
    ["mention", /(^|[^A-Za-z0-9_/])(@[A-Za-z0-9_]{3,32})(?![A-Za-z0-9_])/g],
    ["url", /(^|\s)(https?:\/\/[^\s]+)/g],
  ];
  for (const [type, pattern] of patterns) {
    for (const match of text.matchAll(pattern)) {
      const lead = match[1] ?? "";
      const body = match[2] ?? "";
      found.push({ type, offset: (match.index ?? 0) + lead.length, length: body.length });
    }
  }
  return found.sort((a, b) => a.offset - b.offset);
}

const HTML_TAGS: Record<string, TgEntityType> = {
  b: "bold",
  strong: "bold",
  i: "italic",
  em: "italic",
  u: "underline",
  ins: "underline",
  s: "strikethrough",
  strike: "strikethrough",
  del: "strikethrough",
  "tg-spoiler": "spoiler",
  span: "spoiler",
  a: "text_link",
  code: "code",
  pre: "pre",
  blockquote: "blockquote",
};

interface OpenTag {
  name: string;
  entity: TgMessageEntity;
}

/** Parses Bot API HTML the way Telegram does, strictly: unknown tags and stray `<` are errors. */
export function parseHtml(source: string): ParsedText {
  let text = "";
  const entities: TgMessageEntity[] = [];
  const stack: OpenTag[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i] as string;
    if (ch === "<") {
      const end = source.indexOf(">", i);
      if (end < 0) throw new EntityParseError(`Unclosed start tag at byte offset ${i}`);
      const raw = source.slice(i + 1, end);
      i = end + 1;
      if (raw.startsWith("/")) {
        const name = raw.slice(1).trim().toLowerCase();
        const open = stack.pop();
        if (!open || open.name !== name) {
          throw new EntityParseError(`Unmatched end tag "</${name}>" at byte offset ${end}`);
        }
        open.entity.length = text.length - open.entity.offset;
        // <pre><code class="language-x"> is one pre entity with a language, as on Telegram.
        const insidePre = open.name === "code" && stack.at(-1)?.name === "pre";
        if (open.entity.length > 0 && !insidePre) entities.push(open.entity);
        continue;
      }
      const match = /^([a-z-]+)((?:\s+[a-z-]+="[^"]*")*)\s*$/i.exec(raw);
      const name = match?.[1]?.toLowerCase();
      const type = name === undefined ? undefined : HTML_TAGS[name];
      if (!match || name === undefined || type === undefined) {
        throw new EntityParseError(`Unsupported start tag "${raw.split(/\s/)[0] ?? ""}" at byte offset ${i}`);
      }
      const attrs = Object.fromEntries(
        [...(match[2] ?? "").matchAll(/([a-z-]+)="([^"]*)"/gi)].map((m) => [m[1], decodeHtml(m[2] ?? "")]),
      );
      const entity: TgMessageEntity = { type, offset: text.length, length: 0 };
      if (name === "a") {
        if (!attrs.href) throw new EntityParseError(`Tag "a" must have a href attribute`);
        entity.url = attrs.href;
      }
      if (name === "span" && attrs.class !== "tg-spoiler") {
        throw new EntityParseError(`Tag "span" must have class "tg-spoiler"`);
      }
      if (name === "code" && attrs.class?.startsWith("language-")) {
        const pre = stack.at(-1);
        if (pre?.name === "pre") pre.entity.language = attrs.class.slice("language-".length);
      }
      stack.push({ name, entity });
      continue;
    }
    if (ch === "&") {
      const end = source.indexOf(";", i);
      const decoded = end > i ? decodeEntity(source.slice(i, end + 1)) : undefined;
      if (decoded !== undefined) {
        text += decoded;
        i = end + 1;
        continue;
      }
    }
    text += ch;
    i += 1;
  }
  const unclosed = stack.pop();
  if (unclosed)
    throw new EntityParseError(`Can't find end tag corresponding to start tag "${unclosed.name}"`);
  return { text, entities: entities.sort((a, b) => a.offset - b.offset) };
}

function decodeEntity(entity: string): string | undefined {
  const named: Record<string, string> = { "&lt;": "<", "&gt;": ">", "&amp;": "&", "&quot;": '"' };
  if (named[entity] !== undefined) return named[entity];
  const numeric = /^&#(x[0-9a-f]+|\d+);$/i.exec(entity)?.[1];
  if (numeric === undefined) return undefined;
  const code =
    numeric.startsWith("x") || numeric.startsWith("X")
      ? Number.parseInt(numeric.slice(1), 16)
      : Number(numeric);
  return String.fromCodePoint(code);
}

function decodeHtml(value: string): string {
  return value.replace(/&[#a-z0-9]+;/gi, (entity) => decodeEntity(entity) ?? entity);
}

const MARKDOWN_V2_RESERVED = new Set("_*[]()~`>#+-=|{}.!\\".split(""));

const TOGGLES: Array<[string, TgEntityType]> = [
  ["||", "spoiler"],
  ["__", "underline"],
  ["*", "bold"],
  ["_", "italic"],
  ["~", "strikethrough"],
];

/**
 * Parses MarkdownV2 the way Telegram does: every reserved character outside an entity marker must
 * be escaped with `\`; inside code only `` ` `` and `\` are escaped; inside a link URL `)` and `\`.
 */
export function parseMarkdownV2(source: string): ParsedText {
  let text = "";
  const entities: TgMessageEntity[] = [];
  const stack: TgMessageEntity[] = [];
  let i = 0;
  let quote: TgMessageEntity | undefined;
  const lineStart = () => i === 0 || source[i - 1] === "\n";
  const closeQuote = () => {
    if (quote) {
      quote.length = text.length - quote.offset;
      entities.push(quote);
      quote = undefined;
    }
  };
  /** Reads an escaped run up to an unescaped `stop`, where only `escapable` may follow `\`. */
  const readUntil = (stop: string, escapable: string): string => {
    let out = "";
    while (i < source.length && !source.startsWith(stop, i)) {
      if (source[i] === "\\") {
        const next = source[i + 1];
        if (next === undefined || !escapable.includes(next)) out += "\\";
        else out += next;
        i += next === undefined || !escapable.includes(next) ? 1 : 2;
        continue;
      }
      if (escapable.includes(source[i] as string) && !stop.startsWith(source[i] as string)) {
        throw new EntityParseError(
          `Character '${source[i]}' is reserved and must be escaped with the preceding '\\'`,
        );
      }
      out += source[i];
      i += 1;
    }
    if (i >= source.length)
      throw new EntityParseError(`Can't find end of the entity starting at byte offset ${i}`);
    i += stop.length;
    return out;
  };

  while (i < source.length) {
    const ch = source[i] as string;
    // Consecutive `>` lines form one blockquote.
    if (ch === "\n" && source[i + 1] !== ">") closeQuote();
    if (ch === ">" && lineStart()) {
      if (!quote) quote = { type: "blockquote", offset: text.length, length: 0 };
      i += 1;
      continue;
    }
    if (ch === "\\") {
      const next = source[i + 1];
      if (next === undefined) throw new EntityParseError("Text must not end with an unescaped '\\'");
      text += next;
      i += 2;
      continue;
    }
    if (source.startsWith("```", i)) {
      i += 3;
      const newline = source.indexOf("\n", i);
      const header = newline >= 0 ? source.slice(i, newline) : "";
      const entity: TgMessageEntity = { type: "pre", offset: text.length, length: 0 };
      if (newline >= 0 && /^[A-Za-z0-9_+-]*$/.test(header)) {
        if (header) entity.language = header;
        i = newline + 1;
      }
      // The newline before the closing fence belongs to the markup, not to the code.
      text += readUntil("```", "`\\").replace(/\n$/, "");
      entity.length = text.length - entity.offset;
      entities.push(entity);
      continue;
    }
    if (ch === "`") {
      i += 1;
      const offset = text.length;
      text += readUntil("`", "`\\");
      entities.push({ type: "code", offset, length: text.length - offset });
      continue;
    }
    if (ch === "[") {
      stack.push({ type: "text_link", offset: text.length, length: 0 });
      i += 1;
      continue;
    }
    if (ch === "]") {
      const top = stack.at(-1);
      if (top?.type !== "text_link" || source[i + 1] !== "(") {
        throw new EntityParseError(`Character ']' is reserved and must be escaped with the preceding '\\'`);
      }
      i += 2;
      top.url = readUntil(")", ")\\");
      top.length = text.length - top.offset;
      stack.pop();
      entities.push(top);
      continue;
    }
    const toggle = TOGGLES.find(([marker]) => source.startsWith(marker, i));
    if (toggle) {
      const [marker, type] = toggle;
      i += marker.length;
      const top = stack.at(-1);
      if (top?.type === type) {
        stack.pop();
        top.length = text.length - top.offset;
        entities.push(top);
      } else if (stack.some((open) => open.type === type)) {
        throw new EntityParseError(`Can't find end of ${type} entity at byte offset ${i}`);
      } else {
        stack.push({ type, offset: text.length, length: 0 });
      }
      continue;
    }
    if (MARKDOWN_V2_RESERVED.has(ch)) {
      throw new EntityParseError(`Character '${ch}' is reserved and must be escaped with the preceding '\\'`);
    }
    text += ch;
    i += 1;
  }
  closeQuote();
  const unclosed = stack.pop();
  if (unclosed)
    throw new EntityParseError(`Can't find end of ${unclosed.type} entity at byte offset ${unclosed.offset}`);
  return { text, entities: entities.filter((e) => e.length > 0).sort((a, b) => a.offset - b.offset) };
}
