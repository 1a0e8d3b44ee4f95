/** Longest mention pattern accepted; longer sources are ignored as unsafe. */
export const MAX_MENTION_PATTERN_LENGTH = 512;

/**
 * Conservative check for patterns prone to catastrophic backtracking: a quantified group that
 * itself contains an unbounded quantifier (`(a+)+`, `(\w*\s?)*`, `(?:x|y+){2,}`), or a
 * backreference. False positives only make us ignore a pattern, which is the safe direction.
 */
export function isUnsafeRegexSource(source: string): boolean {
  if (source.length > MAX_MENTION_PATTERN_LENGTH) return true;
  // Per open group: does it (or a nested group) contain an unbounded quantifier?
  const stack: boolean[] = [];
  let inClass = false;
  let lastGroupUnbounded = false;
  let afterGroup = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i] as string;
    const justClosed = afterGroup;
    afterGroup = false;
    if (ch === "\\") {
      const next = source[i + 1] ?? "";
      if (/[1-9]/.test(next) || next === "k") return true;
      i++;
      continue;
    }
    if (inClass) {
      if (ch === "]") inClass = false;
      continue;
    }
    if (ch === "[") {
      inClass = true;
      continue;
    }
    if (ch === "(") {
      stack.push(false);
      continue;
    }
    if (ch === ")") {
      lastGroupUnbounded = stack.pop() ?? false;
      if (lastGroupUnbounded && stack.length > 0) stack[stack.length - 1] = true;
      afterGroup = true;
      continue;
    }
    const unbounded = ch === "+" || ch === "*" || (ch === "{" && /^\{\d*,\}/.test(source.slice(i)));
    const bounded = ch === "?" || (ch === "{" && /^\{\d+(,\d+)?\}/.test(source.slice(i)));
    if (justClosed && (unbounded || bounded) && lastGroupUnbounded) return true;
    if (unbounded && stack.length > 0) stack[stack.length - 1] = true;
  }
  return false;
}
