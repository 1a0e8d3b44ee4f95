import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileIdentityLinks, findLinkedIdentity } from "./identity-links.js";

describe("identity links", () => {
  it("returns undefined when nothing is linked or the config is odd", () => {
    for (const raw of [undefined, null, [], "x", {}, { alice: "telegram:1" }, { "  ": ["1"] }]) {
      expect(compileIdentityLinks(raw)).toBeUndefined();
      expect(findLinkedIdentity(raw, "telegram", "1")).toBeUndefined();
    }
  });

  it("matches ids and channel-scoped ids case-insensitively, numbers included", () => {
    const links = { Alice: ["Telegram:ABC", 42] };
    const index = compileIdentityLinks(links);
    expect(index?.resolve("telegram", "abc")).toBe("Alice");
    expect(index?.resolve("discord", "42")).toBe("Alice");
    expect(index?.resolve("discord", "abc")).toBeUndefined();
    expect(index?.resolve("telegram", "")).toBeUndefined();
  });

  it("compiled lookups equal the ordered walk", () => {
    const id = fc.constantFrom("1", "2", "A", "a", " 1 ");
    const entry = fc.oneof(
      id,
      fc.tuple(fc.constantFrom("telegram", "Discord", "x"), id).map(([c, i]) => `${c}:${i}`),
    );
    const links = fc.dictionary(
      fc.constantFrom("alice", "Bob", " carol ", "", "dave"),
      fc.array(entry, { maxLength: 4 }),
    );
    fc.assert(
      fc.property(links, fc.constantFrom("telegram", "discord", "x", ""), id, (raw, channel, peerId) => {
        expect(compileIdentityLinks(raw)?.resolve(channel, peerId)).toBe(
          findLinkedIdentity(raw, channel, peerId),
        );
      }),
    );
  });
});
