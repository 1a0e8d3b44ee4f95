import { describe, expect, it } from "vitest";
import {
  decideDmGroupAccess,
  normalizeDmPolicy,
  normalizeGroupPolicy,
  resolveEffectiveAllowLists,
} from "./decide.js";

describe("resolveEffectiveAllowLists", () => {
  it("merges the store into the DM list only under pairing, without '*'", () => {
    const input = { allowFrom: [" 1 ", 2, "1"], storeAllowFrom: ["3", "*", 2] };
    expect(resolveEffectiveAllowLists({ ...input, dmPolicy: "pairing" }).dm).toEqual(["1", "2", "3"]);
    expect(resolveEffectiveAllowLists({ ...input, dmPolicy: "allowlist" }).dm).toEqual(["1", "2"]);
    expect(resolveEffectiveAllowLists({ ...input, dmPolicy: "open" }).dm).toEqual(["1", "2"]);
  });

  it("uses groupAllowFrom when non-empty, else allowFrom, never the store", () => {
    expect(
      resolveEffectiveAllowLists({ allowFrom: ["a"], groupAllowFrom: ["b"], storeAllowFrom: ["c"] }).group,
    ).toEqual(["b"]);
    expect(
      resolveEffectiveAllowLists({ allowFrom: ["a"], groupAllowFrom: [], storeAllowFrom: ["c"] }).group,
    ).toEqual(["a"]);
    expect(resolveEffectiveAllowLists({ storeAllowFrom: ["c"] }).group).toEqual([]);
  });
});

describe("policy normalisation", () => {
  it("defaults and fails closed", () => {
    expect(normalizeDmPolicy(undefined)).toBe("pairing");
    expect(normalizeDmPolicy(" OPEN ")).toBe("open");
    expect(normalizeDmPolicy("weird")).toBe("allowlist");
    expect(normalizeGroupPolicy(undefined)).toBe("allowlist");
    expect(normalizeGroupPolicy("weird")).toBe("allowlist");
    expect(normalizeGroupPolicy("disabled")).toBe("disabled");
  });
});

describe("decideDmGroupAccess", () => {
  it("blocks disabled DMs and groups with codes", () => {
    expect(
      decideDmGroupAccess({ isGroup: false, dmPolicy: "disabled", allowFrom: ["*"], senderId: "1" }),
    ).toEqual({
      decision: "block",
      reason: "dmPolicy=disabled",
      code: "dm_policy_disabled",
    });
    expect(decideDmGroupAccess({ isGroup: true, groupPolicy: "disabled", senderId: "1" }).code).toBe(
      "group_policy_disabled",
    );
  });

  it("formats reasons as policy=value (detail)", () => {
    expect(decideDmGroupAccess({ isGroup: false, senderId: "9" }).reason).toBe(
      "dmPolicy=pairing (not allowlisted)",
    );
    expect(decideDmGroupAccess({ isGroup: true, senderId: "9" }).reason).toBe(
      "groupPolicy=allowlist (empty allowlist)",
    );
    expect(decideDmGroupAccess({ isGroup: true, allowFrom: ["1"], senderId: "9" }).reason).toBe(
      "groupPolicy=allowlist (not allowlisted)",
    );
    expect(
      decideDmGroupAccess({ isGroup: false, dmPolicy: "allowlist", allowFrom: ["1"], senderId: "9" }),
    ).toEqual({
      decision: "block",
      reason: "dmPolicy=allowlist (not allowlisted)",
      code: "dm_policy_not_allowlisted",
    });
  });

  it("open without '*' admits only listed senders", () => {
    expect(
      decideDmGroupAccess({ isGroup: false, dmPolicy: "open", allowFrom: ["1"], senderId: "1" }).decision,
    ).toBe("allow");
    expect(
      decideDmGroupAccess({ isGroup: false, dmPolicy: "open", allowFrom: ["1"], senderId: "2" }).decision,
    ).toBe("block");
  });

  it("never lets store approvals into groups", () => {
    const decision = decideDmGroupAccess({ isGroup: true, storeAllowFrom: ["5"], senderId: "5" });
    expect(decision.decision).toBe("block");
  });

  it("normalises list membership per channel", () => {
    expect(
      decideDmGroupAccess({
        isGroup: false,
        dmPolicy: "allowlist",
        channel: "telegram",
        allowFrom: ["tg:42"],
        senderId: 42,
      }).decision,
    ).toBe("allow");
    expect(
      decideDmGroupAccess({
        isGroup: true,
        channel: "whatsapp",
        groupAllowFrom: ["whatsapp:+1 555 000"],
        senderId: "1555000@s.whatsapp.net",
      }).decision,
    ).toBe("allow");
  });

  it("never throws on odd input", () => {
    const odd: unknown[] = [
      null,
      undefined,
      5,
      "x",
      { isGroup: "yes" },
      { allowFrom: null, senderId: { a: 1 } },
    ];
    for (const value of odd) {
      expect(() => decideDmGroupAccess(value as never)).not.toThrow();
    }
    expect(decideDmGroupAccess(null as never).decision).toBe("pairing");
    expect(decideDmGroupAccess({ isGroup: false, allowFrom: [null, {}, 10n], senderId: 10n }).decision).toBe(
      "allow",
    );
  });
});
