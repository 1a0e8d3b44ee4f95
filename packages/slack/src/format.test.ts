import { describe, expect, it } from "vitest";
import { decodeSlackText, escapeMrkdwn, markdownToMrkdwn, toSlackText } from "./format.js";

describe("mrkdwn", () => {
  it("escapes the three reserved characters, & first", () => {
    expect(escapeMrkdwn("<@U1> & <!here> &amp;")).toBe("&lt;@U1&gt; &amp; &lt;!here&gt; &amp;amp;");
    expect(decodeSlackText(escapeMrkdwn("<a> & &lt;"))).toBe("<a> & &lt;");
  });

  it("converts common markdown", () => {
    expect(markdownToMrkdwn("# Title\n**bold** *it* ~~gone~~ `a<b`\n- item")).toBe(
      "*Title*\n*bold* _it_ ~gone~ `a&lt;b`\n• item",
    );
    expect(markdownToMrkdwn("[site](https://a.test/?q=1&r=<2>)")).toBe(
      "<https://a.test/?q=1&amp;r=&lt;2&gt;|site>",
    );
    expect(markdownToMrkdwn("[bad](javascript:alert(1))")).toBe("[bad](javascript:alert(1))");
  });

  it("leaves code blocks verbatim (escaped) and drops the language tag", () => {
    expect(markdownToMrkdwn("```ts\nconst a = **b** < c;\n```\n**x**")).toBe(
      "```\nconst a = **b** &lt; c;\n```\n*x*",
    );
  });

  it("picks the conversion by format", () => {
    expect(toSlackText({ text: "**a** <b>" })).toBe("**a** &lt;b&gt;");
    expect(toSlackText({ text: "**a** <b>", format: "markdown" })).toBe("*a* &lt;b&gt;");
  });
});
