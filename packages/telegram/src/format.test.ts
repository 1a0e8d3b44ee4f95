import { parseHtml, parseMarkdownV2 } from "@patchbay/testkit/telegram";
import { describe, expect, it } from "vitest";
import { escapeHtml, escapeMarkdownV2, renderMarkdown } from "./format.js";

/** Each case: agent markdown → what the user must see, and the entity types Telegram must find. */
const CASES: Array<{ markdown: string; visible: string; entities: string[] }> = [
  {
    markdown: "plain 1.5 + (x) = y! #tag {a|b} ~ > <",
    visible: "plain 1.5 + (x) = y! #tag {a|b} ~ > <",
    entities: [],
  },
  { markdown: "**bold** and __also bold__", visible: "bold and also bold", entities: ["bold", "bold"] },
  { markdown: "*it* _it_ snake_case_name", visible: "it it snake_case_name", entities: ["italic", "italic"] },
  { markdown: "~~gone~~", visible: "gone", entities: ["strikethrough"] },
  { markdown: "`a_b*c` and `x\\y`", visible: "a_b*c and x\\y", entities: ["code", "code"] },
  { markdown: "[the docs](https://e.com/p_(1)?q=a&b=c)", visible: "the docs", entities: ["text_link"] },
  {
    markdown: "**bold with *italic* inside**",
    visible: "bold with italic inside",
    entities: ["italic", "bold"],
  },
  { markdown: "# Title\ntext", visible: "Title\ntext", entities: ["bold"] },
  { markdown: "> quoted\n> more\nafter", visible: "quoted\nmore\nafter", entities: ["blockquote"] },
  {
    markdown: "```python\nprint('a<b>' * 2)  # `tick`\n```",
    visible: "print('a<b>' * 2)  # `tick`",
    entities: ["pre"],
  },
  { markdown: "unclosed **bold and * star", visible: "unclosed **bold and * star", entities: [] },
  { markdown: "emoji 🎉 **ünïcödé**", visible: "emoji 🎉 ünïcödé", entities: ["bold"] },
  { markdown: "a\\*literal\\* star", visible: "a*literal* star", entities: [] },
];

describe("renderMarkdown", () => {
  for (const mode of ["HTML", "MarkdownV2"] as const) {
    const parse = mode === "HTML" ? parseHtml : parseMarkdownV2;
    for (const { markdown, visible, entities } of CASES) {
      it(`${mode}: ${JSON.stringify(markdown)}`, () => {
        const parsed = parse(renderMarkdown(markdown, mode));
        expect(parsed.text).toBe(visible);
        expect(
          [...parsed.entities]
            .sort((a, b) => a.offset - b.offset || b.length - a.length)
            .map((e) => e.type)
            .sort(),
        ).toEqual([...entities].sort());
      });
    }
  }

  it("keeps the link URL and the code language", () => {
    const html = parseHtml(renderMarkdown('[x](https://e.com/?a=1&b="2")\n```ts\nlet a\n```', "HTML"));
    expect(html.entities).toEqual([
      { type: "text_link", offset: 0, length: 1, url: 'https://e.com/?a=1&b="2"' },
      { type: "pre", offset: 2, length: 5, language: "ts" },
    ]);
    const v2 = parseMarkdownV2(renderMarkdown("[x](https://e.com/a_(b))\n```ts\nlet a\n```", "MarkdownV2"));
    expect(v2.entities[0]).toMatchObject({ type: "text_link", url: "https://e.com/a_(b)" });
    expect(v2.entities[1]).toMatchObject({ type: "pre", language: "ts" });
  });
});

describe("escaping", () => {
  it("escapes only what each dialect reserves", () => {
    expect(escapeHtml(`<a href="x">&</a>`)).toBe(`&lt;a href="x"&gt;&amp;&lt;/a&gt;`);
    const all = "_*[]()~`>#+-=|{}.!\\";
    expect(escapeMarkdownV2(all)).toBe(
      all
        .split("")
        .map((c) => `\\${c}`)
        .join(""),
    );
    expect(parseMarkdownV2(escapeMarkdownV2(all)).text).toBe(all);
    expect(escapeMarkdownV2("plain text 123")).toBe("plain text 123");
  });
});
