import { Curve, type KeyPair, proto, WA_CERT_DETAILS } from "baileys";

/**
 * A test certificate authority for the Noise handshake: a root key (which tests install as the
 * client's trusted root), an intermediate signed by the root, and a leaf binding the server's static
 * key, signed by the intermediate. Same shape as WhatsApp's `CertChain`.
 */
export interface TestPki {
  /** The 32-byte Curve25519 root public key a client must trust to accept this server. */
  readonly rootPublicKey: Uint8Array;
  /** The server's static Noise key pair; the leaf certificate names its public half. */
  readonly serverStatic: KeyPair;
  /** Encoded `proto.CertChain` sent (encrypted) in the server hello. */
  readonly certChain: Uint8Array;
}

export interface TestPkiOptions {
  /** Use this root instead of a fresh one (e.g. to build two servers under one root). */
  root?: KeyPair;
  /** Put a different key in the leaf than the static key the server uses (a forged-leaf fault). */
  leafKeyOverride?: Uint8Array;
  /** Corrupt the intermediate's signature (a bad-signature fault). */
  corruptIntermediateSignature?: boolean;
}

/** A fresh Curve25519 key pair, e.g. a root to share between a PKI and a client's trust setting. */
export function createKeyPair(): KeyPair {
  return Curve.generateKeyPair();
}

/** Far in the future, so test certificates never expire. */
const NOT_AFTER = 4_102_444_800;

export function createTestPki(options: TestPkiOptions = {}): TestPki {
  const root = options.root ?? Curve.generateKeyPair();
  const intermediate = Curve.generateKeyPair();
  const serverStatic = Curve.generateKeyPair();
  const intermediateDetails = proto.CertChain.NoiseCertificate.Details.encode({
    serial: 1,
    issuerSerial: WA_CERT_DETAILS.SERIAL,
    key: intermediate.public,
    notBefore: 0,
    notAfter: NOT_AFTER,
  }).finish();
  const leafDetails = proto.CertChain.NoiseCertificate.Details.encode({
    serial: 2,
    issuerSerial: 1,
    key: options.leafKeyOverride ?? serverStatic.public,
    notBefore: 0,
    notAfter: NOT_AFTER,
  }).finish();
  const intermediateSignature = Buffer.from(Curve.sign(root.private, intermediateDetails));
  if (options.corruptIntermediateSignature) intermediateSignature[0] = (intermediateSignature[0] ?? 0) ^ 0xff;
  const certChain = proto.CertChain.encode({
    intermediate: { details: intermediateDetails, signature: intermediateSignature },
    leaf: { details: leafDetails, signature: Buffer.from(Curve.sign(intermediate.private, leafDetails)) },
  }).finish();
  return { rootPublicKey: Buffer.from(root.public), serverStatic, certChain };
}
