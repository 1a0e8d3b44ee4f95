import { createPublicKey, verify } from "node:crypto";

const P = 2n ** 255n - 19n;
/** DER prefix of an Ed25519 SubjectPublicKeyInfo; the 32-byte key follows. */
const ED25519_SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

function fromLittleEndian(bytes: Uint8Array): bigint {
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i] ?? 0);
  return value;
}

function toLittleEndian(value: bigint): Buffer {
  const out = Buffer.alloc(32);
  let rest = value;
  for (let i = 0; i < 32; i++) {
    out[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return out;
}

function modPow(base: bigint, exponent: bigint): bigint {
  let result = 1n;
  let b = ((base % P) + P) % P;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % P;
    b = (b * b) % P;
    e >>= 1n;
  }
  return result;
}

/**
 * Verifies an XEdDSA signature (what libsignal and WhatsApp use: Ed25519 signatures checked
 * against a Curve25519 public key). The Montgomery `u` is mapped to the Edwards `y = (u-1)/(u+1)`,
 * the sign bit travels in the signature's last byte, and Node's Ed25519 does the rest. Returns a
 * boolean and never throws, so a malformed input is simply "not verified".
 */
export function verifyXeddsa(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  const key = publicKey.length === 33 ? publicKey.subarray(1) : publicKey;
  if (key.length !== 32 || signature.length !== 64) return false;
  const u = fromLittleEndian(key) & ((1n << 255n) - 1n);
  const denominator = (u + 1n) % P;
  if (denominator === 0n) return false;
  const y = (((u - 1n + P) % P) * modPow(denominator, P - 2n)) % P;
  const edwards = toLittleEndian(y);
  const sig = Buffer.from(signature);
  edwards[31] = (edwards[31] ?? 0) | ((sig[63] ?? 0) & 0x80);
  sig[63] = (sig[63] ?? 0) & 0x7f;
  try {
    const spki = createPublicKey({
      key: Buffer.concat([ED25519_SPKI_PREFIX, edwards]),
      format: "der",
      type: "spki",
    });
    return verify(null, message, spki, sig);
  } catch {
    return false;
  }
}
