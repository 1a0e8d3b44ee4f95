import { describe, expect, it } from "vitest";
import { buildGroupHistoryKey, resolveThreadSessionKey } from "./thread.js";

describe("resolveThreadSessionKey", () => {
  it("appends a lowercased thread suffix", () => {
    expect(resolveThreadSessionKey("agent:main:slack:channel:c123", "200.000")).toBe(
      "agent:main:slack:channel:c123:thread:200.000",
    );
    expect(resolveThreadSessionKey("agent:main:telegram:main", " AbC ")).toBe(
      "agent:main:telegram:main:thread:abc",
    );
    expect(resolveThreadSessionKey("agent:a:x:group:g", 42)).toBe("agent:a:x:group:g:thread:42");
  });

  it("returns the base key unchanged for an empty thread id", () => {
    for (const empty of ["", "   ", null, undefined]) {
      expect(resolveThreadSessionKey("agent:main:main", empty)).toBe("agent:main:main");
    }
  });

  it("keeps the thread id's case under a Matrix room key", () => {
    expect(resolveThreadSessionKey("agent:a:matrix:channel:!RoOm", "$EvT")).toBe(
      "agent:a:matrix:channel:!RoOm:thread:$EvT",
    );
    expect(resolveThreadSessionKey("agent:a:signal:group:AbC", "TT")).toBe(
      "agent:a:signal:group:AbC:thread:tt",
    );
  });
});

describe("buildGroupHistoryKey", () => {
  it("builds <channel>:<accountId>:<kind>:<peerId>", () => {
    expect(
      buildGroupHistoryKey({
        channel: "WhatsApp",
        accountId: undefined,
        peerKind: "group",
        peerId: "123@g.us",
      }),
    ).toBe("whatsapp:default:group:123@g.us");
    expect(
      buildGroupHistoryKey({ channel: "discord", accountId: "Work", peerKind: "channel", peerId: "C1" }),
    ).toBe("discord:work:channel:c1");
  });

  it("normalises kinds and empty ids, keeps Signal group case", () => {
    expect(buildGroupHistoryKey({ channel: "telegram", peerKind: "supergroup", peerId: -100123n })).toBe(
      "telegram:default:group:-100123",
    );
    expect(buildGroupHistoryKey({ channel: "telegram", peerKind: "group", peerId: " " })).toBe(
      "telegram:default:group:unknown",
    );
    expect(buildGroupHistoryKey({ channel: "signal", peerKind: "group", peerId: "AbC=" })).toBe(
      "signal:default:group:AbC=",
    );
  });
});
