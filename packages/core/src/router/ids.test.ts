import { describe, expect, it } from "vitest";
import {
  normalizeAccountId,
  normalizeAgentId,
  normalizeChannelId,
  normalizePeerId,
  normalizePeerKind,
  peerKindsMatch,
} from "./ids.js";

describe("normalizeAgentId", () => {
  it.each([
    ["main", "main"],
    ["  Home ", "home"],
    ["My Agent!", "my-agent"],
    ["defaultAcct", "defaultacct"],
    ["", "main"],
    ["   ", "main"],
    ["!!!", "main"],
    ["_worker", "_worker"],
    ["a/b\\c", "a-b-c"],
  ])("%j → %j", (input, expected) => {
    expect(normalizeAgentId(input)).toBe(expected);
  });

  it("cuts long ids to 64 characters", () => {
    expect(normalizeAgentId("A".repeat(80))).toBe("a".repeat(64));
    expect(normalizeAgentId(`x ${"b".repeat(80)}`)).toHaveLength(64);
  });

  it("accepts numbers and bigints and never throws on odd values", () => {
    expect(normalizeAgentId(42)).toBe("42");
    expect(normalizeAgentId(12n)).toBe("12");
    for (const odd of [null, undefined, {}, [], true, Symbol("x")])
      expect(normalizeAgentId(odd)).toBe("main");
  });
});

describe("normalizeAccountId", () => {
  it.each([
    [" Prod/US East ", "prod-us-east"],
    ["  Business_1  ", "business_1"],
    ["_prod_us", "_prod_us"],
    ["BIZ", "biz"],
    [" biz ", "biz"],
    ["", "default"],
    ["__proto__", "default"],
    ["__PROTO__", "default"],
    ["Constructor", "default"],
    [" prototype ", "default"],
    ["constructors", "constructors"],
  ])("%j → %j", (input, expected) => {
    expect(normalizeAccountId(input)).toBe(expected);
  });

  it("treats missing values as the default account", () => {
    for (const odd of [null, undefined, {}, false]) expect(normalizeAccountId(odd)).toBe("default");
    expect(normalizeAccountId(7)).toBe("7");
  });
});

describe("channel, peer kind and peer id", () => {
  it("lowercases and trims channels only", () => {
    expect(normalizeChannelId(" WhatsApp ")).toBe("whatsapp");
    expect(normalizeChannelId(undefined)).toBe("");
    expect(normalizeChannelId(5)).toBe("");
  });

  it("aliases peer kinds case-insensitively and keeps unknown kinds", () => {
    expect(normalizePeerKind("DM")).toBe("direct");
    expect(normalizePeerKind(" SuperGroup ")).toBe("group");
    expect(normalizePeerKind("Channel")).toBe("channel");
    expect(normalizePeerKind("Thread")).toBe("thread");
    expect(normalizePeerKind(undefined)).toBe("");
  });

  it("stringifies numeric ids and keeps case", () => {
    expect(normalizePeerId(" AbC ")).toBe("AbC");
    expect(normalizePeerId(1468834856187203680n)).toBe("1468834856187203680");
    expect(normalizePeerId(-1001234567890)).toBe("-1001234567890");
    expect(normalizePeerId(null)).toBe("");
    expect(normalizePeerId({ id: 1 })).toBe("");
  });

  it("treats group and channel as interchangeable, unknown kinds as never matching", () => {
    expect(peerKindsMatch("group", "channel")).toBe(true);
    expect(peerKindsMatch("direct", "direct")).toBe(true);
    expect(peerKindsMatch("direct", "group")).toBe(false);
    expect(peerKindsMatch("thread", "thread")).toBe(false);
    expect(peerKindsMatch("", "")).toBe(false);
  });
});
