import {
  createDecipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  hkdfSync,
} from "node:crypto";
import { GatewayError } from "@patchbay/core";
import { verifyXeddsa } from "./xeddsa.js";

/**
 * WhatsApp's Noise root public key ("WhatsAppLongTerm1", serial 0). Every genuine server presents
 * an intermediate certificate signed by it; tests trust their fake's root instead.
 */
export const WHATSAPP_ROOT_PUBLIC_KEY: Uint8Array = Buffer.from(
  "142375574d0a587166aae71ebe516437c4a28b73e3695c6ce1f7f9545da8ee6b",
  "hex",
);
export const WHATSAPP_ROOT_SERIAL = 0;

/** The three fields of a Noise `serverHello`. */
export interface ServerHello {
  ephemeral: Uint8Array;
  static: Uint8Array;
  payload: Uint8Array;
}

export interface CertificateDetails {
  serial: number;
  issuerSerial: number;
  key: Uint8Array;
  notBefore: number;
  notAfter: number;
}

export interface CertificateChain {
  intermediate: { details: Uint8Array; signature: Uint8Array } | undefined;
  leaf: { details: Uint8Array; signature: Uint8Array } | undefined;
}

/** Protobuf decoders for the certificate messages (supplied by the SDK seam, so this file stays pure). */
export interface CertificateCodec {
  decodeChain(bytes: Uint8Array): CertificateChain;
  decodeDetails(bytes: Uint8Array): CertificateDetails;
}

export interface ServerTrust {
  rootPublicKey: Uint8Array;
  rootSerial: number;
  /** Seconds since the epoch, for certificate validity. */
  nowSeconds: number;
}

/** The server failed authentication: the client must not continue the handshake with it. */
export class UntrustedServerError extends GatewayError {
  constructor(reason: string, options: { channel?: string; accountId?: string } = {}) {
    super("UNTRUSTED_SERVER", `Refusing WhatsApp server: ${reason}`, options);
  }
}

const X25519_PKCS8_PREFIX = Buffer.from("302e020100300506032b656e04220420", "hex");
const X25519_SPKI_PREFIX = Buffer.from("302a300506032b656e032100", "hex");
/** `Noise_XX_25519_AESGCM_SHA256\0\0\0\0`, 32 bytes, the initial hash and chaining key. */
const NOISE_PROTOCOL = Buffer.from("Noise_XX_25519_AESGCM_SHA256\0\0\0\0");
/** The intro every WhatsApp Web client sends first; it is mixed into the handshake hash. */
const NOISE_HEADER = Buffer.from([87, 65, 6, 3]);

function x25519(privateKey: Uint8Array, publicKey: Uint8Array): Buffer {
  return diffieHellman({
    privateKey: createPrivateKey({
      key: Buffer.concat([X25519_PKCS8_PREFIX, privateKey]),
      format: "der",
      type: "pkcs8",
    }),
    publicKey: createPublicKey({
      key: Buffer.concat([X25519_SPKI_PREFIX, publicKey]),
      format: "der",
      type: "spki",
    }),
  });
}

function x25519Public(privateKey: Uint8Array): Buffer {
  const key = createPublicKey(
    createPrivateKey({ key: Buffer.concat([X25519_PKCS8_PREFIX, privateKey]), format: "der", type: "pkcs8" }),
  );
  return key.export({ format: "der", type: "spki" }).subarray(X25519_SPKI_PREFIX.length);
}

function sha256(...parts: Uint8Array[]): Buffer {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(part);
  return hash.digest();
}

function gcmDecrypt(key: Buffer, counter: number, aad: Buffer, data: Uint8Array): Buffer {
  const iv = Buffer.alloc(12);
  iv.writeUInt32BE(counter, 8);
  const decipher = createDecipheriv("aes-256-gcm", key, iv);
  decipher.setAAD(aad);
  decipher.setAuthTag(Buffer.from(data.subarray(data.length - 16)));
  return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]);
}

/**
 * Replays the client's side of the Noise XX handshake up to the server's certificate, from the
 * client's ephemeral private key and the server hello, and checks what Baileys 7 does not: the
 * intermediate certificate is signed by the trusted root, the leaf by the intermediate, the leaf
 * names the very static key the server proved it holds, and both are within their validity.
 * Throws `UntrustedServerError` on any failure.
 */
export function verifyServerHello(
  hello: ServerHello,
  clientEphemeralPrivate: Uint8Array,
  trust: ServerTrust,
  codec: CertificateCodec,
): void {
  let hash = sha256(NOISE_PROTOCOL, NOISE_HEADER);
  hash = sha256(hash, x25519Public(clientEphemeralPrivate));
  hash = sha256(hash, hello.ephemeral);
  let chainingKey: Buffer = NOISE_PROTOCOL;
  const mix = (secret: Buffer): Buffer => {
    const out = Buffer.from(hkdfSync("sha256", secret, chainingKey, Buffer.alloc(0), 64));
    chainingKey = out.subarray(0, 32);
    return out.subarray(32);
  };
  let serverStatic: Buffer;
  let certificate: Buffer;
  try {
    let key = mix(x25519(clientEphemeralPrivate, hello.ephemeral));
    serverStatic = gcmDecrypt(key, 0, hash, hello.static);
    hash = sha256(hash, hello.static);
    key = mix(x25519(clientEphemeralPrivate, serverStatic));
    certificate = gcmDecrypt(key, 0, hash, hello.payload);
  } catch {
    throw new UntrustedServerError("the server hello could not be decrypted");
  }
  let chain: CertificateChain;
  let intermediate: CertificateDetails;
  let leaf: CertificateDetails;
  try {
    chain = codec.decodeChain(certificate);
    if (!chain.intermediate || !chain.leaf) throw new Error("incomplete chain");
    intermediate = codec.decodeDetails(chain.intermediate.details);
    leaf = codec.decodeDetails(chain.leaf.details);
  } catch {
    throw new UntrustedServerError("malformed certificate chain");
  }
  if (!verifyXeddsa(trust.rootPublicKey, chain.intermediate.details, chain.intermediate.signature)) {
    throw new UntrustedServerError("certificate chain is not signed by the trusted WhatsApp root key");
  }
  if (intermediate.issuerSerial !== trust.rootSerial) {
    throw new UntrustedServerError("intermediate certificate names another issuer");
  }
  if (!verifyXeddsa(intermediate.key, chain.leaf.details, chain.leaf.signature)) {
    throw new UntrustedServerError("leaf certificate is not signed by the intermediate");
  }
  if (leaf.issuerSerial !== intermediate.serial) {
    throw new UntrustedServerError("leaf certificate names another issuer");
  }
  if (!Buffer.from(leaf.key).equals(serverStatic)) {
    throw new UntrustedServerError("leaf certificate does not match the server's static key");
  }
  for (const details of [intermediate, leaf]) {
    const expired = details.notAfter > 0 && trust.nowSeconds > details.notAfter;
    const early = details.notBefore > 0 && trust.nowSeconds < details.notBefore;
    if (expired || early) throw new UntrustedServerError("certificate outside its validity period");
  }
}
