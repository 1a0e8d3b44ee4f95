import { describe, expect, it } from "vitest";
import { resolveMentionGate } from "./mention-gate.js";
import {
  buildMentionRegexes,
  matchesMentionPatterns,
  resolveMentionPatternSources,
} from "./mention-patterns.js";
import { isUnsafeRegexSource } from "./safe-regex.js";

describe("resolveMentionGate", () => {
  it("skips only when mention is required, detectable and absent", () => {
    const base = { requireMention: true, canDetectMention: true, wasMentioned: false };
    expect(resolveMentionGate(base)).toEqual({ skip: true, effectiveWasMentioned: false });
    expect(resolveMentionGate({ ...base, canDetectMention: false }).skip).toBe(false);
    expect(resolveMentionGate({ ...base, requireMention: false }).skip).toBe(false);
    expect(resolveMentionGate({ ...base, wasMentioned: true })).toEqual({
      skip: false,
      effectiveWasMentioned: true,
    });
    expect(resolveMentionGate({ ...base, shouldBypassMention: true }).skip).toBe(false);
    expect(resolveMentionGate(null as never)).toEqual({ skip: false, effectiveWasMentioned: false });
  });
});

describe("mention pattern sources", () => {
  const cfg = {
    messages: { groupChat: { mentionPatterns: ["global"] } },
    agents: {
      list: [
        { id: "Quiet", groupChat: { mentionPatterns: [] } },
        { id: "named", identity: { name: "Ada  Lovelace", emoji: "🦞" } },
        { id: "own", groupChat: { mentionPatterns: ["mine"] } },
      ],
    },
  };

  it("uses the agent list even when empty, then global, then identity", () => {
    expect(resolveMentionPatternSources(cfg, "quiet")).toEqual([]);
    expect(resolveMentionPatternSources(cfg, "OWN")).toEqual(["mine"]);
    expect(resolveMentionPatternSources(cfg, "named")).toEqual(["global"]);
    const { messages: _drop, ...withoutGlobal } = cfg;
    const derived = buildMentionRegexes(withoutGlobal, "named");
    expect(derived).toHaveLength(2);
    expect(matchesMentionPatterns("hey @ada   lovelace, hi", derived)).toBe(true);
    expect(matchesMentionPatterns("ADA LOVELACE?", derived)).toBe(true);
    expect(matchesMentionPatterns("adalovelace", derived)).toBe(false);
    expect(matchesMentionPatterns("look 🦞", derived)).toBe(true);
  });

  it("finds era-C agents.entries too", () => {
    expect(
      resolveMentionPatternSources(
        { agents: { entries: { bob: { groupChat: { mentionPatterns: ["b"] } } } } },
        "bob",
      ),
    ).toEqual(["b"]);
  });
});

describe("buildMentionRegexes", () => {
  it("drops invalid, empty and unsafe patterns, keeps order, case-insensitive", () => {
    const cfg = {
      messages: { groupChat: { mentionPatterns: ["(unclosed", "", "(a+)+$", "second", "\\bBot\\b", 7] } },
    };
    const regexes = buildMentionRegexes(cfg, "main");
    expect(regexes.map((r) => r.source)).toEqual(["second", "\\bBot\\b"]);
    expect(regexes.every((r) => r.flags.includes("i"))).toBe(true);
    expect(matchesMentionPatterns("hey BOT", regexes)).toBe(true);
  });

  it("treats a literal backspace as \\b", () => {
    const regexes = buildMentionRegexes(
      { messages: { groupChat: { mentionPatterns: ["\bbot\b"] } } },
      "main",
    );
    expect(regexes[0]?.source).toBe("\\bbot\\b");
    expect(matchesMentionPatterns("robot", regexes)).toBe(false);
    expect(matchesMentionPatterns("hi bot", regexes)).toBe(true);
  });

  it("strips zero-width and bidi characters before matching", () => {
    const regexes = buildMentionRegexes(
      { messages: { groupChat: { mentionPatterns: ["\\bclawd\\b"] } } },
      "x",
    );
    expect(matchesMentionPatterns("hi cl\u200baw\u202ed", regexes)).toBe(true);
  });

  it("never throws on odd input", () => {
    for (const cfg of [
      null,
      1,
      "x",
      { agents: { list: [null, 5] } },
      { agents: { list: "no" }, messages: 4 },
    ]) {
      expect(() => buildMentionRegexes(cfg, undefined)).not.toThrow();
    }
    expect(matchesMentionPatterns(null, [/x/])).toBe(false);
    expect(matchesMentionPatterns("x", null)).toBe(false);
  });
});

describe("isUnsafeRegexSource", () => {
  it.each([
    ["(a+)+", true],
    ["(\\w*\\s?)*x", true],
    ["(?:x|y+){2,}", true],
    ["((a+))+", true],
    ["(a)\\1", true],
    ["\\b@?ada\\s+lovelace\\b", false],
    ["(bot|clawd)+", false],
    ["[(a+)]+", false],
    ["x".repeat(600), true],
  ])("%s → %s", (source, unsafe) => {
    expect(isUnsafeRegexSource(source)).toBe(unsafe);
  });
});
