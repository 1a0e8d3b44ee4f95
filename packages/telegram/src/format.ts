import type { ParseMode } from "./client.js";
import { type Block, type Inline, parseMarkdown } from "./markdown.js";

/** Escapes text for Telegram HTML (only `&`, `<` and `>` are special; `"` too inside attributes). */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function escapeHtmlAttribute(text: string): string {
  return escapeHtml(text).replace(/"/g, "&quot;");
}

/** Escapes text for MarkdownV2 outside entities: every reserved character gets a backslash. */
export function escapeMarkdownV2(text: string): string {
  return text.replace(/[_*[\]()~`>#+\-=|{}.!\\]/g, "\\$&");
}

/** Inside `code` and ```pre```, only `` ` `` and `\` are escaped. */
function escapeMarkdownV2Code(text: string): string {
  return text.replace(/[`\\]/g, "\\$&");
}

/** Inside a link's (url), only `)` and `\` are escaped. */
function escapeMarkdownV2Url(text: string): string {
  return text.replace(/[)\\]/g, "\\$&");
}

/** Converts agent Markdown to the given Telegram dialect, escaping everything that is not markup. */
export function renderMarkdown(source: string, mode: ParseMode): string {
  const blocks = parseMarkdown(source);
  return mode === "HTML" ? blocks.map(blockToHtml).join("\n") : blocks.map(blockToMarkdownV2).join("\n");
}

function blockToHtml(block: Block): string {
  switch (block.type) {
    case "line":
      return inlineToHtml(block.content);
    case "heading":
      return `<b>${inlineToHtml(block.content)}</b>`;
    case "quote":
      return `<blockquote>${block.lines.map(inlineToHtml).join("\n")}</blockquote>`;
    case "code":
      return block.language
        ? `<pre><code class="language-${escapeHtmlAttribute(block.language)}">${escapeHtml(block.value)}</code></pre>`
        : `<pre>${escapeHtml(block.value)}</pre>`;
  }
}

const HTML_TAG = { bold: "b", italic: "i", strike: "s" } as const;

function inlineToHtml(nodes: readonly Inline[]): string {
  return nodes
    .map((node) => {
      switch (node.type) {
        case "text":
          return escapeHtml(node.value);
        case "code":
          return `<code>${escapeHtml(node.value)}</code>`;
        case "link":
          return `<a href="${escapeHtmlAttribute(node.url)}">${inlineToHtml(node.children)}</a>`;
        default: {
          const tag = HTML_TAG[node.type];
          return `<${tag}>${inlineToHtml(node.children)}</${tag}>`;
        }
      }
    })
    .join("");
}

function blockToMarkdownV2(block: Block): string {
  switch (block.type) {
    case "line":
      return inlineToMarkdownV2(block.content);
    case "heading":
      return `*${inlineToMarkdownV2(block.content)}*`;
    case "quote":
      return block.lines.map((line) => `>${inlineToMarkdownV2(line)}`).join("\n");
    case "code":
      return `\`\`\`${block.language ?? ""}\n${escapeMarkdownV2Code(block.value)}\n\`\`\``;
  }
}

const MARKDOWN_V2_MARK = { bold: "*", italic: "_", strike: "~" } as const;

function inlineToMarkdownV2(nodes: readonly Inline[]): string {
  return nodes
    .map((node) => {
      switch (node.type) {
        case "text":
          return escapeMarkdownV2(node.value);
        case "code":
          return `\`${escapeMarkdownV2Code(node.value)}\``;
        case "link":
          return `[${inlineToMarkdownV2(node.children)}](${escapeMarkdownV2Url(node.url)})`;
        default: {
          const mark = MARKDOWN_V2_MARK[node.type];
          return `${mark}${inlineToMarkdownV2(node.children)}${mark}`;
        }
      }
    })
    .join("");
}
