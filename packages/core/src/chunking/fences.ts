/** An open code fence: the marker that closes it and the line that reopens it. */
export interface Fence {
  /** Backtick or tilde run that opened the fence, e.g. "```" or "~~~~". */
  readonly marker: string;
  /** Marker plus info string, e.g. "```ts title=x". */
  readonly opener: string;
  /** First word of the info string (the language), or "". */
  readonly language: string;
}

/** One line of the source with the fence state around it. */
export interface ParsedLine {
  readonly start: number;
  /** Exclusive; the position of the line's "\n" or the end of the text. */
  readonly end: number;
  readonly kind: "open" | "close" | "text";
  /** Fence open before this line starts. */
  readonly before: Fence | null;
  /** Fence open after this line ends. */
  readonly after: Fence | null;
}

const OPENER = /^ {0,3}(`{3,}|~{3,})(.*)$/;
const CLOSER = /^ {0,3}(`{3,}|~{3,})[ \t]*$/;

/**
 * Splits text into lines and tracks CommonMark-style fenced code blocks.
 * `acceptFence` lets the caller refuse a fence (too long to reopen within the limit): refused
 * openers are plain text.
 */
export function parseLines(text: string, acceptFence: (fence: Fence) => boolean = () => true): ParsedLine[] {
  const lines: ParsedLine[] = [];
  let state: Fence | null = null;
  let start = 0;
  while (start <= text.length) {
    const newline = text.indexOf("\n", start);
    const end = newline === -1 ? text.length : newline;
    const line = text.slice(start, end);
    const before: Fence | null = state;
    let kind: ParsedLine["kind"] = "text";
    if (state === null) {
      const match = OPENER.exec(line);
      const marker = match?.[1];
      const info = (match?.[2] ?? "").trim();
      // A backtick fence's info string may not contain backticks (CommonMark).
      if (marker !== undefined && !(marker.startsWith("`") && info.includes("`"))) {
        const fence: Fence = { marker, opener: `${marker}${info}`, language: info.split(/\s+/)[0] ?? "" };
        if (acceptFence(fence)) {
          state = fence;
          kind = "open";
        }
      }
    } else {
      const marker = CLOSER.exec(line)?.[1];
      if (marker !== undefined && marker[0] === state.marker[0] && marker.length >= state.marker.length) {
        state = null;
        kind = "close";
      }
    }
    lines.push({ start, end, kind, before, after: state });
    if (newline === -1) break;
    start = newline + 1;
  }
  return lines;
}

/** True when every fence opened in `text` is closed again. */
export function fencesBalanced(text: string): boolean {
  const lines = parseLines(text);
  return (lines[lines.length - 1]?.after ?? null) === null;
}
