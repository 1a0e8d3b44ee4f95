import { describe, expect, it } from "vitest";
import { toWhatsAppText } from "./format.js";

describe("toWhatsAppText", () => {
  it("passes plain text through untouched", () => {
    expect(toWhatsAppText("**not** converted", "plain")).toBe("**not** converted");
    expect(toWhatsAppText("**not** converted", undefined)).toBe("**not** converted");
  });

  it("converts Markdown emphasis, headings, lists and links to WhatsApp's dialect", () => {
    const markdown = [
      "# Title",
      "**bold** and *italic* and ~~gone~~",
      "- item [docs](https://x.dev)",
      "__also bold__",
    ].join("\n");
    expect(toWhatsAppText(markdown, "markdown")).toBe(
      ["*Title*", "*bold* and _italic_ and ~gone~", "• item docs (https://x.dev)", "*also bold*"].join("\n"),
    );
  });

  it("leaves code alone", () => {
    const markdown = ["`**x**` stays", "```ts", "const a = **b**;", "```"].join("\n");
    expect(toWhatsAppText(markdown, "markdown")).toBe(markdown);
  });
});
