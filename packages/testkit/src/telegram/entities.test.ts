import { describe, expect, it } from "vitest";
import { EntityParseError, parseHtml, parseMarkdownV2 } from "./entities.js";

describe("parseHtml", () => {
  it("decodes entities and nests tags, offsets in UTF-16", () => {
    expect(parseHtml("🎉 <b>a <i>b</i></b> &lt;&#65;&#x42;&quot;")).toEqual({
      text: '🎉 a b <AB"',
      entities: [
        { type: "bold", offset: 3, length: 3 },
        { type: "italic", offset: 5, length: 1 },
      ],
    });
  });

  it("rejects what Telegram rejects", () => {
    for (const bad of [
      "<b>open",
      "<b><i>x</b></i>",
      "<div>x</div>",
      "a < b",
      '<a name="x">y</a>',
      '<span class="x">y</span>',
    ]) {
      expect(() => parseHtml(bad), bad).toThrow(EntityParseError);
    }
  });
});

describe("parseMarkdownV2", () => {
  it("reads markers, escapes, links, code and quotes", () => {
    expect(parseMarkdownV2("*b* _i_ __u__ ~s~ ||sp|| [l](https://x.y/\\)) `c\\`` \\. \n>q1\n>q2")).toEqual({
      text: "b i u s sp l c` . \nq1\nq2",
      entities: [
        { type: "bold", offset: 0, length: 1 },
        { type: "italic", offset: 2, length: 1 },
        { type: "underline", offset: 4, length: 1 },
        { type: "strikethrough", offset: 6, length: 1 },
        { type: "spoiler", offset: 8, length: 2 },
        { type: "text_link", offset: 11, length: 1, url: "https://x.y/)" },
        { type: "code", offset: 13, length: 2 },
        { type: "blockquote", offset: 19, length: 5 },
      ],
    });
  });

  it("rejects unescaped reserved characters and unclosed markers", () => {
    for (const bad of ["1.5", "a-b", "(x)", "*open", "_a *b_ c*", "ends with \\", "[x]"]) {
      expect(() => parseMarkdownV2(bad), bad).toThrow(EntityParseError);
    }
  });
});
