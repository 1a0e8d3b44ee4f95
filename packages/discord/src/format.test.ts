import { describe, expect, it } from "vitest";
import { escapeMarkdown, formatForDiscord } from "./format.js";

describe("format", () => {
  it("escapes inline markers and line-start block markers for plain text", () => {
    expect(escapeMarkdown("a*b_c~d`e|f\\g")).toBe("a\\*b\\_c\\~d\\`e\\|f\\\\g");
    expect(escapeMarkdown("# title\n> quote\n - item\nmid-dash")).toBe(
      "\\# title\n\\> quote\n \\- item\nmid-dash",
    );
  });

  it("passes markdown (and unspecified format) through", () => {
    expect(formatForDiscord("**b**", "markdown")).toBe("**b**");
    expect(formatForDiscord("**b**", undefined)).toBe("**b**");
    expect(formatForDiscord("**b**", "plain")).toBe("\\*\\*b\\*\\*");
  });
});
