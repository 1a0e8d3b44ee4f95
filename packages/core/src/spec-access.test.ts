/**
 * The access, mention and pairing vectors of spec/openclaw-compat.md §6 (P*, N*, G*, X*), run
 * against the public entry exactly as a conformance suite would call it.
 */
import { describe, expect, it } from "vitest";
import {
  createPairingStore,
  decideDmGroupAccess,
  isSenderAllowed,
  PAIRING_CODE_ALPHABET,
  PAIRING_CODE_LENGTH,
  PAIRING_MAX_PENDING,
  PAIRING_TTL_MS,
  resolveMentionGate,
} from "./index.js";

interface PolicyVector {
  id: string;
  policy: {
    isGroup: boolean;
    dmPolicy?: string;
    groupPolicy?: string;
    allowFrom?: string[];
    groupAllowFrom?: string[];
    store?: string[];
  };
  sender: string;
  out: { decision: "allow" | "block" | "pairing"; reason?: string };
}

const POLICY_VECTORS: PolicyVector[] = [
  {
    id: "P01",
    policy: { isGroup: false, dmPolicy: "pairing", allowFrom: [], store: [] },
    sender: "123",
    out: { decision: "pairing" },
  },
  {
    id: "P02",
    policy: { isGroup: false, dmPolicy: "pairing", allowFrom: [], store: ["123"] },
    sender: "123",
    out: { decision: "allow" },
  },
  {
    id: "P04",
    policy: { isGroup: false, dmPolicy: "allowlist", allowFrom: ["123"], store: ["456"] },
    sender: "456",
    out: { decision: "block" },
  },
  {
    id: "P06",
    policy: { isGroup: false, dmPolicy: "open", allowFrom: ["*"] },
    sender: "anyone",
    out: { decision: "allow" },
  },
  {
    id: "P09",
    policy: { isGroup: false, dmPolicy: "pairing", allowFrom: ["*"] },
    sender: "stranger",
    out: { decision: "allow" },
  },
  {
    id: "P10",
    policy: { isGroup: true, groupPolicy: "allowlist", allowFrom: [], groupAllowFrom: [] },
    sender: "123",
    out: { decision: "block", reason: "empty allowlist" },
  },
  {
    id: "P11",
    policy: { isGroup: true, groupPolicy: "allowlist", allowFrom: ["123"] },
    sender: "123",
    out: { decision: "allow" },
  },
];

describe("§6 policy vectors (decideDmGroupAccess)", () => {
  it.each(POLICY_VECTORS)("$id", ({ policy, sender, out }) => {
    const { store, ...rest } = policy;
    const result = decideDmGroupAccess({ ...rest, storeAllowFrom: store, senderId: sender });
    expect(result.decision).toBe(out.decision);
    if (out.reason !== undefined) expect(result.reason).toContain(out.reason);
    expect(result.reason).toMatch(/^(dmPolicy|groupPolicy)=[a-z]+( \(.+\))?$/);
    expect(typeof result.code).toBe("string");
  });
});

const NORMALISATION_VECTORS = [
  {
    id: "N02",
    channel: "whatsapp",
    allowFrom: ["+1 (555) 123-4567"],
    sender: "+15551234567",
    out: { matched: true },
  },
];

describe("§6 normalisation vectors (isSenderAllowed)", () => {
  it.each(NORMALISATION_VECTORS)("$id", ({ channel, allowFrom, sender, out }) => {
    expect(isSenderAllowed({ channel, allowFrom, senderId: sender })).toBe(out.matched);
  });
});

const GATING_VECTORS = [
  {
    id: "G03",
    mention: { requireMention: true, canDetectMention: true, wasMentioned: false, implicitMention: true },
    out: { skip: false },
  },
];

describe("§6 gating vectors (resolveMentionGate)", () => {
  it.each(GATING_VECTORS)("$id", ({ mention, out }) => {
    expect(resolveMentionGate(mention).skip).toBe(out.skip);
  });
});

const PAIRING_VECTORS = [
  {
    id: "X01",
    out: { codeRegex: "^[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{8}$", ttlMs: 3_600_000, maxPending: 3 },
  },
];

describe("§6 pairing vectors", () => {
  it.each(PAIRING_VECTORS)("$id", ({ out }) => {
    expect(PAIRING_TTL_MS).toBe(out.ttlMs);
    expect(PAIRING_MAX_PENDING).toBe(out.maxPending);
    expect(new RegExp(out.codeRegex).test("A".repeat(PAIRING_CODE_LENGTH))).toBe(true);
    expect(`^[${PAIRING_CODE_ALPHABET}]{${PAIRING_CODE_LENGTH}}$`).toBe(out.codeRegex);
    const store = createPairingStore({ now: () => 0 });
    for (let i = 0; i < 50; i++) {
      const { code } = store.upsertRequest({ channel: `c${i}`, accountId: "default", senderId: String(i) });
      expect(code).toMatch(new RegExp(out.codeRegex));
    }
  });
});
