import { type Fence, type ParsedLine, parseLines } from "./fences.js";

/** Options for {@link chunkText}. */
export interface ChunkTextOptions {
  /** Maximum characters per chunk, added fence lines included. At least 1. */
  readonly limit: number;
  /**
   * Maximum lines per chunk, added fence lines included. When a fenced chunk cannot respect it
   * (fewer than 3 lines leave no room for reopen + content + close), the character limit still
   * holds and the line limit is relaxed for that chunk only.
   */
  readonly maxLines?: number;
}

interface Cut {
  readonly cut: number;
}

const isSpace = (ch: string | undefined): boolean => ch !== undefined && /\s/.test(ch);

/**
 * Splits a reply into chunks that each fit a platform's limit (see `PLATFORM_TEXT_LIMITS`).
 *
 * Chunks break at the last paragraph boundary that fits, else the last line boundary, else the
 * last space; a single word longer than the room left is split hard (never inside a surrogate
 * pair). A chunk that ends inside a fenced code block gets a closing fence, and the next chunk
 * reopens it with the same marker and info string, so every chunk renders on its own. Whitespace
 * at a break is dropped; indentation of the line after a break is kept. Empty or whitespace-only
 * text gives `[]`.
 *
 * @throws RangeError when `limit` or `maxLines` is not a number ≥ 1.
 */
export function chunkText(text: string, options: ChunkTextOptions): string[] {
  const limit = Math.floor(options.limit);
  if (!(limit >= 1)) throw new RangeError(`chunkText: limit must be >= 1 (got ${options.limit})`);
  const maxLines = options.maxLines === undefined ? Number.POSITIVE_INFINITY : Math.floor(options.maxLines);
  if (!(maxLines >= 1)) throw new RangeError(`chunkText: maxLines must be >= 1 (got ${options.maxLines})`);

  const source = text.replace(/\r\n?/g, "\n");
  let end = source.length;
  while (end > 0 && isSpace(source[end - 1])) end--;
  if (end === 0) return [];

  // A fence whose reopen + close would eat more than half a chunk is treated as plain text,
  // so every chunk always has room for content (only matters for tiny limits).
  const room = limit / 2;
  const overhead = (open: string, fence: Fence) => open.length + 2 + fence.marker.length;
  const lines = parseLines(source, (fence) => overhead(fence.marker, fence) <= room);
  const reopenLine = (fence: Fence): string => {
    const withLanguage = `${fence.marker}${fence.language}`;
    if (overhead(fence.opener, fence) <= room) return fence.opener;
    return overhead(withLanguage, fence) <= room ? withLanguage : fence.marker;
  };

  const lineAt = (pos: number): number => {
    let lo = 0;
    let hi = lines.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((lines[mid] as ParsedLine).start <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const line = (index: number): ParsedLine => lines[index] as ParsedLine;
  /** Fence open for content that starts at `pos`. */
  const fenceAtStart = (pos: number): Fence | null => {
    const current = line(lineAt(pos));
    return pos === current.start || current.kind === "text" ? current.before : current.after;
  };
  /** Fence open after content that ends (exclusive) at `pos`, `pos` being right after a non-space. */
  const fenceAtEnd = (pos: number): Fence | null => {
    const current = line(lineAt(pos));
    return pos === current.end ? current.after : current.before;
  };

  const chunks: string[] = [];
  let pos = skipBreak(source, 0, end);
  while (pos < end) {
    const startFence = fenceAtStart(pos);
    const prefix = startFence ? `${reopenLine(startFence)}\n` : "";
    const startLine = lineAt(pos);

    const render = (cut: number, ignoreMaxLines: boolean): string | null => {
      let pieceEnd = cut;
      while (pieceEnd > pos && isSpace(source[pieceEnd - 1])) pieceEnd--;
      if (pieceEnd <= pos) return null;
      const endFence = fenceAtEnd(pieceEnd);
      const suffix = endFence ? `\n${endFence.marker}` : "";
      if (prefix.length + (pieceEnd - pos) + suffix.length > limit) return null;
      if (!ignoreMaxLines) {
        const count = (prefix ? 1 : 0) + lineAt(pieceEnd - 1) - startLine + 1 + (endFence ? 1 : 0);
        if (count > maxLines) return null;
      }
      return prefix + source.slice(pos, pieceEnd) + suffix;
    };

    const whole = render(end, false);
    if (whole !== null) {
      chunks.push(whole);
      break;
    }
    // No chunk can reach past `limit` characters, nor (when lines are limited) past the line
    // that would exceed maxLines even without fence lines.
    const lastLine = line(Math.min(lines.length - 1, startLine + maxLines - 1));
    const windowEnd = Math.min(end, pos + limit, Number.isFinite(maxLines) ? lastLine.end : end);
    // Cutting inside a fence marker line would leave a half fence that a platform may render.
    const insideMarker = (cut: number): boolean => {
      const current = line(lineAt(cut));
      return current.kind !== "text" && cut > current.start && cut < current.end;
    };
    const candidates = breakCandidates(source, lines, pos, windowEnd, startLine, insideMarker);
    let chosen: { cut: number; chunk: string } | null = null;
    for (const ignoreMaxLines of [false, true]) {
      for (const group of candidates) {
        for (const { cut } of group()) {
          const chunk = render(cut, ignoreMaxLines);
          if (chunk !== null) {
            chosen = { cut, chunk };
            break;
          }
        }
        if (chosen) break;
      }
      if (chosen) break;
    }
    if (chosen === null) {
      // Unreachable: a one-character hard cut always fits because fence overhead ≤ limit / 2.
      chosen = { cut: pos + 1, chunk: prefix + source.slice(pos, pos + 1) };
    }
    chunks.push(chosen.chunk);
    pos = skipBreak(source, chosen.cut, end);
  }
  return chunks;
}

/** Skips the whitespace at a break; after a newline, the next line keeps its indentation. */
function skipBreak(source: string, from: number, end: number): number {
  let pos = from;
  let afterNewline = -1;
  while (pos < end && isSpace(source[pos])) {
    if (source[pos] === "\n") afterNewline = pos + 1;
    pos++;
  }
  return afterNewline >= 0 && pos < end ? afterNewline : pos;
}

/**
 * Break positions inside (pos, windowEnd], best class first, latest position first within a class:
 * paragraph ends outside fences, line ends (not right after an opener or right before a closer),
 * spaces, any line end, then hard cuts.
 */
function breakCandidates(
  source: string,
  lines: readonly ParsedLine[],
  pos: number,
  windowEnd: number,
  startLine: number,
  insideMarker: (cut: number) => boolean,
): Array<() => Cut[]> {
  const paragraphs: Cut[] = [];
  const preferredLines: Cut[] = [];
  const anyLines: Cut[] = [];
  for (let index = startLine; index < lines.length - 1; index++) {
    const current = lines[index] as ParsedLine;
    if (current.end > windowEnd) break;
    if (current.end <= pos) continue;
    const next = lines[index + 1] as ParsedLine;
    const cut = { cut: current.end };
    anyLines.push(cut);
    if (current.kind !== "open" && next.kind !== "close") preferredLines.push(cut);
    const blankNext = source.slice(next.start, next.end).trim() === "";
    const blankThis = source.slice(current.start, current.end).trim() === "";
    if (current.after === null && blankNext && !blankThis) paragraphs.push(cut);
  }
  const words = (): Cut[] => {
    const found: Cut[] = [];
    for (let cut = windowEnd; cut > pos; cut--) {
      const ch = source[cut];
      if (ch !== "\n" && isSpace(ch) && !isSpace(source[cut - 1]) && !insideMarker(cut)) found.push({ cut });
    }
    return found;
  };
  const hard = (inMarker: boolean) => (): Cut[] => {
    const found: Cut[] = [];
    for (let cut = windowEnd; cut > pos; cut--) {
      const code = source.charCodeAt(cut - 1);
      if (code >= 0xd800 && code <= 0xdbff && cut < source.length) continue;
      if (insideMarker(cut) === inMarker) found.push({ cut });
    }
    return found;
  };
  paragraphs.reverse();
  preferredLines.reverse();
  anyLines.reverse();
  return [() => paragraphs, () => preferredLines, words, () => anyLines, hard(false), hard(true)];
}
