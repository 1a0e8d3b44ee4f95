import { describe, expect, it } from "vitest";
import { isSenderAllowed, normalizeSenderEntry } from "./sender-match.js";

describe("normalizeSenderEntry", () => {
  it.each([
    ["whatsapp", "+1 (555) 123-4567", "+15551234567"],
    ["whatsapp", "whatsapp:+15551234567", "+15551234567"],
    ["whatsapp", "15551234567", "+15551234567"],
    ["whatsapp", "15551234567:12@s.whatsapp.net", "+15551234567"],
    ["whatsapp", "abc", ""],
    ["telegram", "TG:123", "123"],
    ["telegram", "telegram:123", "123"],
    ["telegram", "@alice", ""],
    ["discord", "discord:123", "123"],
    ["discord", "<@!123>", "123"],
    ["slack", "slack:U123", "u123"],
    ["slack", "user:U123", "u123"],
    ["slack", "team:T1:user:U123", "u123"],
    ["signal", " Abc ", "Abc"],
  ])("%s %s → %s", (channel, input, expected) => {
    expect(normalizeSenderEntry(channel, input)).toBe(expected);
  });
});

describe("isSenderAllowed", () => {
  it("admits everyone with '*' and nobody with an empty list", () => {
    expect(isSenderAllowed({ channel: "telegram", allowFrom: ["*"], senderId: "x" })).toBe(true);
    expect(isSenderAllowed({ channel: "telegram", allowFrom: [], senderId: "1" })).toBe(false);
  });

  it("ignores non-numeric Telegram entries", () => {
    expect(isSenderAllowed({ channel: "telegram", allowFrom: ["@alice"], senderId: "@alice" })).toBe(false);
    expect(isSenderAllowed({ channel: "telegram", allowFrom: [123], senderId: 123n })).toBe(true);
  });

  it("matches Slack ids case-insensitively", () => {
    expect(isSenderAllowed({ channel: "slack", allowFrom: ["slack:u123"], senderId: "U123" })).toBe(true);
    expect(isSenderAllowed({ channel: "slack", allowFrom: ["team:T9:user:U123"], senderId: "U123" })).toBe(
      true,
    );
  });

  it("keeps other channels exact", () => {
    expect(isSenderAllowed({ channel: "signal", allowFrom: ["ABC"], senderId: "abc" })).toBe(false);
    expect(isSenderAllowed({ allowFrom: ["abc"], senderId: " abc " })).toBe(true);
  });

  it("matches Discord and Slack names only when dangerouslyAllowNameMatching", () => {
    const base = { channel: "discord", allowFrom: ["@Alice"], senderId: "999", senderName: "alice" };
    expect(isSenderAllowed(base)).toBe(false);
    expect(isSenderAllowed({ ...base, dangerouslyAllowNameMatching: true })).toBe(true);
    expect(
      isSenderAllowed({
        channel: "telegram",
        allowFrom: ["alice"],
        senderId: "1",
        senderName: "alice",
        dangerouslyAllowNameMatching: true,
      }),
    ).toBe(false);
  });

  it("never throws on odd input", () => {
    for (const value of [
      null,
      undefined,
      0,
      { allowFrom: "1", senderId: 1 },
      { allowFrom: [Symbol.iterator] },
    ]) {
      expect(() => isSenderAllowed(value as never)).not.toThrow();
    }
    expect(isSenderAllowed({ allowFrom: "1", senderId: 1 })).toBe(true);
  });
});
