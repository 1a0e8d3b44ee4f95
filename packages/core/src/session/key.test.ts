import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalizeAgentId } from "../router/ids.js";
import { buildAgentMainSessionKey, buildAgentSessionKey, normalizeDmScope } from "./key.js";
import { parseAgentSessionKey } from "./parse.js";

const direct = (id: string | number | bigint) => ({ kind: "direct", id });

describe("buildAgentSessionKey: direct messages", () => {
  it.each([
    ["main", "agent:main:main"],
    ["per-peer", "agent:main:direct:+15551234567"],
    ["per-channel-peer", "agent:main:whatsapp:direct:+15551234567"],
    ["per-account-channel-peer", "agent:main:whatsapp:default:direct:+15551234567"],
    ["bogus", "agent:main:main"],
  ])("dmScope %s", (dmScope, key) => {
    expect(
      buildAgentSessionKey({ agentId: "main", channel: "whatsapp", peer: direct("+15551234567"), dmScope }),
    ).toBe(key);
  });

  it("uses the normalised account under per-account-channel-peer", () => {
    const key = buildAgentSessionKey({
      agentId: "Main",
      channel: "Telegram",
      accountId: " Tasks ",
      peer: direct(7550356539),
      dmScope: "per-account-channel-peer",
    });
    expect(key).toBe("agent:main:telegram:tasks:direct:7550356539");
  });

  it("falls back to the main key for an empty peer id or no peer under every scope", () => {
    for (const dmScope of ["per-peer", "per-channel-peer", "per-account-channel-peer"]) {
      expect(buildAgentSessionKey({ agentId: "a", channel: "x", peer: direct("  "), dmScope })).toBe(
        "agent:a:main",
      );
      expect(buildAgentSessionKey({ agentId: "a", channel: "x", dmScope })).toBe("agent:a:main");
    }
  });

  it("lowercases DM peer ids, even on Signal", () => {
    const key = buildAgentSessionKey({
      agentId: "a",
      channel: "signal",
      peer: direct("AbC"),
      dmScope: "per-peer",
    });
    expect(key).toBe("agent:a:direct:abc");
  });

  it("replaces a linked peer with its canonical identity, first canonical in object order", () => {
    const identityLinks = {
      " Alice ": ["telegram:111111111", "discord:222222222222222222"],
      bob: ["111111111"],
      carol: ["DISCORD:333"],
    };
    const build = (channel: string, id: string, dmScope = "per-peer") =>
      buildAgentSessionKey({ agentId: "main", channel, peer: direct(id), dmScope, identityLinks });
    expect(build("telegram", "111111111")).toBe("agent:main:direct:alice");
    // bob lists the bare id, but alice comes first and lists the channel-scoped form.
    expect(build("whatsapp", "111111111")).toBe("agent:main:direct:bob");
    expect(build("discord", "222222222222222222", "per-channel-peer")).toBe(
      "agent:main:discord:direct:alice",
    );
    expect(build("discord", "333")).toBe("agent:main:direct:carol");
    expect(build("discord", "444")).toBe("agent:main:direct:444");
    expect(build("telegram", "111111111", "main")).toBe("agent:main:main");
  });
});

describe("buildAgentSessionKey: groups, channels and unknown kinds", () => {
  it("keys by the inbound kind and lowercases the id", () => {
    expect(
      buildAgentSessionKey({ agentId: "a", channel: "slack", peer: { kind: "channel", id: "C0123TEAM" } }),
    ).toBe("agent:a:slack:channel:c0123team");
    expect(
      buildAgentSessionKey({
        agentId: "a",
        channel: "telegram",
        peer: { kind: "supergroup", id: "-100:topic:42" },
      }),
    ).toBe("agent:a:telegram:group:-100:topic:42");
  });

  it("keys an unknown kind like a group with the kind lowercased", () => {
    expect(buildAgentSessionKey({ agentId: "a", channel: "x", peer: { kind: "Thread", id: "T1" } })).toBe(
      "agent:a:x:thread:t1",
    );
  });

  it("keys an empty group id as unknown", () => {
    expect(buildAgentSessionKey({ agentId: "a", channel: "telegram", peer: { kind: "group", id: "" } })).toBe(
      "agent:a:telegram:group:unknown",
    );
  });

  it("keeps the case of Signal group ids and Matrix rooms only", () => {
    const key = (channel: string, kind: string, id: string) =>
      buildAgentSessionKey({ agentId: "A", channel, peer: { kind, id } });
    expect(key("Signal", "group", "mb+09B3md7=")).toBe("agent:a:signal:group:mb+09B3md7=");
    expect(key("matrix", "channel", "!RoOm:Example.org")).toBe("agent:a:matrix:channel:!RoOm:Example.org");
    expect(key("matrix", "group", "!AbC")).toBe("agent:a:matrix:group:!AbC");
    expect(key("signal", "channel", "AbC")).toBe("agent:a:signal:channel:abc");
    expect(key("whatsapp", "group", "AbC@g.us")).toBe("agent:a:whatsapp:group:abc@g.us");
  });

  it("never throws on odd input", () => {
    const odd = [{}, { peer: null }, { peer: "x" }, { agentId: 5, channel: null, peer: { kind: 3, id: {} } }];
    for (const params of odd) {
      expect(() => buildAgentSessionKey(params as never)).not.toThrow();
    }
    expect(buildAgentSessionKey({} as never)).toBe("agent:main:main");
    expect(buildAgentSessionKey(null as never)).toBe("agent:main:main");
  });
});

describe("main key and dmScope", () => {
  it("builds the main key from a normalised agent id", () => {
    expect(buildAgentMainSessionKey("My Agent")).toBe("agent:my-agent:main");
    expect(buildAgentMainSessionKey(undefined)).toBe("agent:main:main");
  });

  it("accepts only the four scopes", () => {
    expect(normalizeDmScope("per-peer")).toBe("per-peer");
    expect(normalizeDmScope("PER-PEER")).toBe("main");
    expect(normalizeDmScope(undefined)).toBe("main");
  });
});

describe("build/parse round trip", () => {
  const token = fc.stringMatching(/^[A-Za-z0-9 _+@.!/:-]{0,12}$/);
  // Parsing drops empty `:`-segments (OpenClaw does too), so an id like `a::b` comes back as `a:b`.
  const withoutEmptySegments = (key: string) =>
    key
      .split(":")
      .filter((part) => part !== "")
      .join(":");
  it("parses every built key back to its agent and lowercased rest", () => {
    fc.assert(
      fc.property(
        token,
        fc.constantFrom("whatsapp", "Telegram", "signal", "matrix", "discord", ""),
        token,
        fc.option(
          fc.record({ kind: fc.constantFrom("direct", "dm", "group", "channel", "Thread", ""), id: token }),
        ),
        fc.constantFrom("main", "per-peer", "per-channel-peer", "per-account-channel-peer"),
        (agentId, channel, accountId, peer, dmScope) => {
          const key = buildAgentSessionKey({ agentId, channel, accountId, peer, dmScope });
          const parsed = parseAgentSessionKey(key);
          expect(parsed).not.toBeNull();
          expect(parsed?.agentId).toBe(normalizeAgentId(agentId));
          expect(`agent:${parsed?.agentId}:${parsed?.rest}`).toBe(withoutEmptySegments(key.toLowerCase()));
        },
      ),
    );
  });
});
