import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chunkText } from "./chunk-text.js";
import { fencesBalanced } from "./fences.js";
import { PLATFORM_TEXT_LIMITS } from "./limits.js";

const nonSpace = (text: string) => text.replace(/\s+/g, "");
const FENCE_LINE = /^ {0,3}(`{3,}|~{3,}).*$/gm;
const withoutFenceLines = (text: string) => text.replace(FENCE_LINE, "");

describe("chunkText", () => {
  it("exports the platform limits", () => {
    expect(PLATFORM_TEXT_LIMITS).toEqual({ discord: 2000, telegram: 4096, whatsapp: 4000, slack: 4000 });
  });

  it("returns [] for empty or whitespace-only text", () => {
    expect(chunkText("", { limit: 10 })).toEqual([]);
    expect(chunkText(" \n\t\r\n ", { limit: 10 })).toEqual([]);
  });

  it("returns short text as one trimmed chunk", () => {
    expect(chunkText("\n\nhello world  \n", { limit: 100 })).toEqual(["hello world"]);
  });

  it("prefers paragraph boundaries over line boundaries", () => {
    const text = "para one line a\npara one line b\n\npara two\nmore";
    expect(chunkText(text, { limit: 40 })).toEqual(["para one line a\npara one line b", "para two\nmore"]);
  });

  it("falls back to line boundaries, then words", () => {
    expect(chunkText("aaaa bbbb\ncccc dddd", { limit: 12 })).toEqual(["aaaa bbbb", "cccc dddd"]);
    expect(chunkText("aaaa bbbb cccc dddd", { limit: 12 })).toEqual(["aaaa bbbb", "cccc dddd"]);
  });

  it("hard-splits only a word longer than the limit", () => {
    expect(chunkText("ab abcdefghijkl", { limit: 5 })).toEqual(["ab", "abcde", "fghij", "kl"]);
  });

  it("never splits a surrogate pair", () => {
    const chunks = chunkText("😀😀😀", { limit: 3 });
    expect(chunks).toEqual(["😀", "😀", "😀"]);
  });

  it("normalises CRLF", () => {
    expect(chunkText("a\r\nb", { limit: 10 })).toEqual(["a\nb"]);
  });

  it("closes and reopens a code fence with its info string", () => {
    const code = Array.from({ length: 6 }, (_, i) => `line${i}();`).join("\n");
    const text = `Intro:\n\n\`\`\`ts title=x\n${code}\n\`\`\`\n\nAfter.`;
    const chunks = chunkText(text, { limit: 50 });
    expect(chunks[0]).toBe("Intro:");
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThanOrEqual(50);
      expect(fencesBalanced(chunk)).toBe(true);
    }
    const fenced = chunks.filter((c) => c.includes("line"));
    expect(fenced.length).toBeGreaterThan(1);
    for (const chunk of fenced) {
      expect(chunk.startsWith("```ts title=x\n")).toBe(true);
      expect(chunk.endsWith("\n```")).toBe(true);
    }
    expect(chunks[chunks.length - 1]).toBe("After.");
  });

  it("keeps tilde fences and longer markers", () => {
    const text = `~~~~py\n${"x = 1\n".repeat(10)}~~~~`;
    const chunks = chunkText(text, { limit: 30 });
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) {
      expect(chunk.startsWith("~~~~py\n")).toBe(true);
      expect(chunk.endsWith("\n~~~~")).toBe(true);
    }
  });

  it("closes a fence the text left open", () => {
    expect(chunkText("```js\nlet a", { limit: 100 })).toEqual(["```js\nlet a\n```"]);
  });

  it("does not leave an empty code block after the opener", () => {
    const text = `text before\n\`\`\`\n${"abc\n".repeat(4)}\`\`\``;
    const chunks = chunkText(text, { limit: 20 });
    for (const chunk of chunks) expect(chunk).not.toMatch(/```\n```/);
  });

  it("respects maxLines, counting added fence lines", () => {
    const text = Array.from({ length: 10 }, (_, i) => `l${i}`).join("\n");
    const chunks = chunkText(text, { limit: 1000, maxLines: 3 });
    expect(chunks).toEqual(["l0\nl1\nl2", "l3\nl4\nl5", "l6\nl7\nl8", "l9"]);
    const fenced = chunkText(`\`\`\`\n${text}\n\`\`\``, { limit: 1000, maxLines: 4 });
    for (const chunk of fenced) expect(chunk.split("\n").length).toBeLessThanOrEqual(4);
    expect(fenced.join("\n")).toContain("l9");
  });

  it("uses a shorter reopen line when the info string would not leave room", () => {
    const text = `\`\`\`typescript with a very long info string\n${"abcdefgh\n".repeat(8)}\`\`\``;
    const chunks = chunkText(text, { limit: 40 });
    expect(chunks[0]?.startsWith("```typescript with a very long info string")).toBe(false);
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) expect(chunk.length).toBeLessThanOrEqual(40);
  });

  it("rejects a limit below 1", () => {
    expect(() => chunkText("x", { limit: 0 })).toThrow(RangeError);
    expect(() => chunkText("x", { limit: Number.NaN })).toThrow(RangeError);
    expect(() => chunkText("x", { limit: 5, maxLines: 0 })).toThrow(RangeError);
  });

  it("handles a platform-sized reply quickly enough to be linear-ish", () => {
    const text = "word ".repeat(20_000);
    const chunks = chunkText(text, { limit: PLATFORM_TEXT_LIMITS.discord });
    expect(chunks.every((c) => c.length <= 2000)).toBe(true);
    expect(nonSpace(chunks.join(""))).toBe(nonSpace(text));
  });
});

describe("chunkText properties", () => {
  const word = fc.stringMatching(/^[a-z0-9.,!?]{1,30}$/);
  const prose = fc
    .array(fc.tuple(word, fc.constantFrom(" ", "  ", "\n", "\n\n", "\t")), { minLength: 1, maxLength: 40 })
    .map((parts) => parts.map(([w, sep]) => w + sep).join(""));
  const fence = fc
    .tuple(fc.constantFrom("```", "~~~", "````"), fc.constantFrom("", "ts", "py", "js x=1"), prose)
    .map(([marker, info, body]) => `${marker}${info}\n${body}\n${marker}`);
  const unclosed = fc.tuple(fc.constantFrom("```", "~~~"), prose).map(([m, body]) => `${m}\n${body}`);
  const doc = fc
    .array(fc.oneof(prose, fence), { minLength: 1, maxLength: 6 })
    .chain((blocks) =>
      fc.oneof(
        fc.constant(blocks),
        unclosed.map((u) => [...blocks, u]),
      ),
    )
    .map((blocks) => blocks.join("\n\n"));

  it("keeps every chunk within the limit, fences balanced, content in order", () => {
    fc.assert(
      fc.property(
        doc,
        fc.integer({ min: 24, max: 300 }),
        fc.option(fc.integer({ min: 3, max: 12 })),
        (text, limit, maxLines) => {
          const chunks = chunkText(text, maxLines === null ? { limit } : { limit, maxLines });
          for (const chunk of chunks) {
            expect(chunk.length).toBeLessThanOrEqual(limit);
            expect(chunk.trim()).not.toBe("");
            expect(fencesBalanced(chunk)).toBe(true);
          }
          expect(nonSpace(withoutFenceLines(chunks.join("\n")))).toBe(nonSpace(withoutFenceLines(text)));
        },
      ),
      { numRuns: 400 },
    );
  });

  it("respects maxLines whenever no fence is involved", () => {
    fc.assert(
      fc.property(
        prose,
        fc.integer({ min: 5, max: 200 }),
        fc.integer({ min: 1, max: 6 }),
        (text, limit, maxLines) => {
          for (const chunk of chunkText(text, { limit, maxLines })) {
            expect(chunk.length).toBeLessThanOrEqual(limit);
            expect(chunk.split("\n").length).toBeLessThanOrEqual(maxLines);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("holds the limit for arbitrary strings", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), fc.integer({ min: 1, max: 60 }), (text, limit) => {
        const chunks = chunkText(text, { limit });
        for (const chunk of chunks) expect(chunk.length).toBeLessThanOrEqual(limit);
        expect(chunks.length > 0).toBe(nonSpace(text) !== "");
      }),
      { numRuns: 300 },
    );
  });
});
