import { randomBytes } from "node:crypto";
import {
  type AuthenticationCreds,
  aesDecryptCTR,
  aesDecryptGCM,
  aesEncryptCTR,
  type BinaryNode,
  Curve,
  configureSuccessfulPairing,
  derivePairingCodeKey,
  getBinaryNodeChildBuffer,
  hkdf,
  hmacSign,
  initAuthCreds,
  type KeyPair,
  proto,
  WA_ADV_ACCOUNT_SIG_PREFIX,
} from "baileys";
import type { FakeDevice } from "./device.js";

/** The fields of a WhatsApp Web pairing QR (`https://wa.me/settings/linked_devices#ref,noise,identity,adv,platform`). */
export interface PairingQr {
  ref: string;
  noiseKey: Buffer;
  identityKey: Buffer;
  advSecret: Buffer;
  platformId: string;
}

export function parsePairingQr(qr: string): PairingQr {
  const fragment = qr.split("#")[1];
  const parts = fragment?.split(",") ?? [];
  const [ref, noise, identity, adv, platformId] = parts;
  if (!ref || !noise || !identity || !adv) throw new Error("not a WhatsApp pairing QR");
  return {
    ref,
    noiseKey: Buffer.from(noise, "base64"),
    identityKey: Buffer.from(identity, "base64"),
    advSecret: Buffer.from(adv, "base64"),
    platformId: platformId ?? "",
  };
}

export interface PairSuccessInput {
  /** The account's phone (primary device): its identity key signs the companion. */
  primary: FakeDevice;
  /** The companion's signed identity public key (from the QR, or the pairing-code key bundle). */
  companionIdentity: Uint8Array;
  /** The secret shared with the companion (from the QR, or derived in the pairing-code exchange). */
  advSecret: Uint8Array;
  /** The companion's device id on the account. */
  deviceId: number;
  /** The iq id to use. */
  id: string;
}

/** The `pair-success` iq the phone (through the server) sends once it has approved a companion. */
export function buildPairSuccess(input: PairSuccessInput): BinaryNode {
  const { primary } = input;
  const deviceDetails = proto.ADVDeviceIdentity.encode({
    rawId: 4242,
    timestamp: Math.floor(Date.now() / 1000),
    keyIndex: input.deviceId,
  }).finish();
  const accountSignature = Curve.sign(
    primary.identity.private,
    Buffer.concat([WA_ADV_ACCOUNT_SIG_PREFIX, deviceDetails, input.companionIdentity]),
  );
  const details = proto.ADVSignedDeviceIdentity.encode({
    details: deviceDetails,
    accountSignatureKey: primary.identity.public,
    accountSignature,
  }).finish();
  const hmac = hmacSign(details, input.advSecret);
  const lid = primary.lid ? `${primary.lid}:${input.deviceId}@lid` : undefined;
  return {
    tag: "iq",
    attrs: { from: "s.whatsapp.net", type: "set", id: input.id },
    content: [
      {
        tag: "pair-success",
        attrs: {},
        content: [
          {
            tag: "device-identity",
            attrs: {},
            content: proto.ADVSignedDeviceIdentityHMAC.encode({ details, hmac }).finish(),
          },
          { tag: "platform", attrs: { name: "android" } },
          {
            tag: "device",
            attrs: { jid: `${primary.user}:${input.deviceId}@s.whatsapp.net`, ...(lid ? { lid } : {}) },
          },
        ],
      },
    ],
  };
}

/**
 * Creates companion credentials already linked to `primary`'s account, without a QR round trip
 * (the same creds a real pairing produces: `me`, `account`, `signalIdentities`, `platform`).
 */
export function pairOffline(primary: FakeDevice, deviceId: number): AuthenticationCreds {
  const creds = initAuthCreds();
  const stanza = buildPairSuccess({
    primary,
    companionIdentity: creds.signedIdentityKey.public,
    advSecret: Buffer.from(creds.advSecretKey, "base64"),
    deviceId,
    id: "offline-pair",
  });
  const { creds: update } = configureSuccessfulPairing(stanza, creds);
  Object.assign(creds, update, { registered: true });
  return creds;
}

const CODE_BUNDLE_INFO = "link_code_pairing_key_bundle_encryption_key";

/** The phone's half of the pairing-code ("link with phone number") exchange. */
export class PairingCodeExchange {
  readonly #primary: FakeDevice;
  readonly #wrappedCompanionEphemeral: Buffer;
  readonly ref = randomBytes(16).toString("hex");
  #primaryEphemeral: KeyPair | undefined;
  #companionEphemeral: Uint8Array | undefined;

  constructor(primary: FakeDevice, wrappedCompanionEphemeral: Uint8Array) {
    this.#primary = primary;
    this.#wrappedCompanionEphemeral = Buffer.from(wrappedCompanionEphemeral);
  }

  /** The user typed `code` on the phone: unwrap the companion's key and build the phone's answer. */
  async enterCode(code: string): Promise<BinaryNode> {
    const wrapped = this.#wrappedCompanionEphemeral;
    const key = await derivePairingCodeKey(code, wrapped.subarray(0, 32));
    this.#companionEphemeral = aesDecryptCTR(wrapped.subarray(48, 80), key, wrapped.subarray(32, 48));
    const ephemeral = Curve.generateKeyPair();
    this.#primaryEphemeral = ephemeral;
    const salt = randomBytes(32);
    const iv = randomBytes(16);
    const wrapKey = await derivePairingCodeKey(code, salt);
    const wrappedPrimary = Buffer.concat([salt, iv, aesEncryptCTR(ephemeral.public, wrapKey, iv)]);
    return {
      tag: "notification",
      attrs: { from: "s.whatsapp.net", type: "link_code_companion_reg", id: randomBytes(8).toString("hex") },
      content: [
        {
          tag: "link_code_companion_reg",
          attrs: {},
          content: [
            { tag: "link_code_pairing_ref", attrs: {}, content: Buffer.from(this.ref) },
            { tag: "primary_identity_pub", attrs: {}, content: this.#primary.identity.public },
            { tag: "link_code_pairing_wrapped_primary_ephemeral_pub", attrs: {}, content: wrappedPrimary },
          ],
        },
      ],
    };
  }

  /** Reads the companion's `companion_finish` and derives the ADV secret both sides now share. */
  finish(companionFinish: BinaryNode): { advSecret: Buffer; companionIdentity: Buffer } {
    const ephemeral = this.#primaryEphemeral;
    const companionEphemeral = this.#companionEphemeral;
    if (!ephemeral || !companionEphemeral) throw new Error("pairing code not entered yet");
    const bundle = getBinaryNodeChildBuffer(companionFinish, "link_code_pairing_wrapped_key_bundle");
    if (!bundle) throw new Error("companion_finish without a key bundle");
    const wrapped = Buffer.from(bundle);
    const companionShared = Curve.sharedKey(ephemeral.private, companionEphemeral);
    const bundleKey = hkdf(companionShared, 32, { salt: wrapped.subarray(0, 32), info: CODE_BUNDLE_INFO });
    const plain = aesDecryptGCM(wrapped.subarray(44), bundleKey, wrapped.subarray(32, 44), Buffer.alloc(0));
    const companionIdentity = Buffer.from(plain.subarray(0, 32));
    const random = plain.subarray(64, 96);
    const identityShared = Curve.sharedKey(this.#primary.identity.private, companionIdentity);
    const advSecret = Buffer.from(
      hkdf(Buffer.concat([companionShared, identityShared, random]), 32, { info: "adv_secret" }),
    );
    return { advSecret, companionIdentity };
  }
}
