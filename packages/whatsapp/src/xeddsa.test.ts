import { describe, expect, it } from "vitest";
import { verifyXeddsa } from "./xeddsa.js";

// Made with Baileys' Curve.sign (libsignal's XEdDSA); the last byte carries the Edwards sign bit.
const KEY = Buffer.from("467a83c537f9b10164e779cdb4402dfd3b2f7bd49f1aefafe7f687f568bf5e40", "hex");
const MESSAGE = Buffer.from("patchbay xeddsa vector");
const SIGNATURE = Buffer.from(
  "ef8e6f28aec6b179a97f512c91f554705997a9a97dc843fe8a5592147d1266e277129ad72c4f393f45fbaa42fb3dd29c6cb807e5ac4b3c2ec4b310d9ee805a84",
  "hex",
);

describe("verifyXeddsa", () => {
  it("accepts a libsignal signature, with or without the 0x05 key prefix", () => {
    expect(verifyXeddsa(KEY, MESSAGE, SIGNATURE)).toBe(true);
    expect(verifyXeddsa(Buffer.concat([Buffer.from([5]), KEY]), MESSAGE, SIGNATURE)).toBe(true);
  });

  it("rejects a changed message, signature, sign bit or key", () => {
    expect(verifyXeddsa(KEY, Buffer.from("patchbay xeddsa vectoR"), SIGNATURE)).toBe(false);
    const flipped = Buffer.from(SIGNATURE);
    flipped[10] = (flipped[10] ?? 0) ^ 1;
    expect(verifyXeddsa(KEY, MESSAGE, flipped)).toBe(false);
    const sign = Buffer.from(SIGNATURE);
    sign[63] = (sign[63] ?? 0) ^ 0x80;
    expect(verifyXeddsa(KEY, MESSAGE, sign)).toBe(false);
    const otherKey = Buffer.from(KEY);
    otherKey[0] = (otherKey[0] ?? 0) ^ 1;
    expect(verifyXeddsa(otherKey, MESSAGE, SIGNATURE)).toBe(false);
  });

  it("returns false for malformed input instead of throwing", () => {
    expect(verifyXeddsa(KEY.subarray(1), MESSAGE, SIGNATURE)).toBe(false);
    expect(verifyXeddsa(KEY, MESSAGE, SIGNATURE.subarray(1))).toBe(false);
    // u = p - 1 has no Edwards image (u + 1 = 0)
    const degenerate = Buffer.alloc(32, 0xff);
    degenerate[0] = 0xec;
    degenerate[31] = 0x7f;
    expect(verifyXeddsa(degenerate, MESSAGE, SIGNATURE)).toBe(false);
  });
});
