import {
  type AuthenticationCreds,
  addTransactionCapability,
  type BinaryNode,
  Curve,
  DEFAULT_CONNECTION_CONFIG,
  encodeBigEndian,
  encodeWAMessage,
  initAuthCreds,
  jidEncode,
  KEY_BUNDLE_TYPE,
  type KeyPair,
  proto,
  type SignalRepositoryWithLIDStore,
  type SocketConfig,
  unpadRandomMax16,
} from "baileys";
import { createMemoryKeyStore } from "./keys.js";

type BaileysLogger = SocketConfig["logger"];

/** Baileys wants a pino-shaped logger; fake devices log nothing. */
export const silentBaileysLogger: BaileysLogger = {
  level: "silent",
  child: () => silentBaileysLogger,
  trace: () => {},
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};

export interface FakeDeviceOptions {
  /** Phone number, digits only (the user part of the JID). */
  user: string;
  /** Device id: 0 is the phone itself, companions (linked devices) have higher ids. */
  device?: number;
  /** LID user part (digits), when the account has a LID. */
  lid?: string;
  /** How many one-time pre-keys to hold for other devices to open sessions with. */
  preKeys?: number;
}

export interface PreKeyBundle {
  registrationId: number;
  identityKey: Uint8Array;
  signedPreKey: { keyId: number; publicKey: Uint8Array; signature: Uint8Array };
  preKey?: { keyId: number; publicKey: Uint8Array };
}

/** Adds the 0x05 key-type byte libsignal expects on 32-byte Curve25519 public keys. */
export function signalPublicKey(key: Uint8Array): Uint8Array {
  return key.length === 33 ? key : Buffer.concat([KEY_BUNDLE_TYPE, key]);
}

/**
 * One WhatsApp device owned by the fake (a contact's phone, or the account owner's phone): its own
 * Signal identity and pre-keys, encrypting and decrypting with Baileys' own Signal implementation.
 */
export class FakeDevice {
  readonly user: string;
  readonly device: number;
  readonly lid: string | undefined;
  readonly creds: AuthenticationCreds;
  readonly repository: SignalRepositoryWithLIDStore;
  readonly #preKeys = new Map<number, KeyPair>();

  constructor(options: FakeDeviceOptions) {
    this.user = options.user;
    this.device = options.device ?? 0;
    this.lid = options.lid;
    this.creds = initAuthCreds();
    const keys = createMemoryKeyStore();
    const preKeyCount = options.preKeys ?? 20;
    const preKeyEntries: Record<string, KeyPair> = {};
    for (let id = 1; id <= preKeyCount; id++) {
      const pair = Curve.generateKeyPair();
      this.#preKeys.set(id, pair);
      preKeyEntries[String(id)] = pair;
    }
    void keys.set({ "pre-key": preKeyEntries });
    const transactional = addTransactionCapability(keys, silentBaileysLogger, {
      maxCommitRetries: 1,
      delayBetweenTriesMs: 1,
    });
    this.repository = DEFAULT_CONNECTION_CONFIG.makeSignalRepository(
      { creds: this.creds, keys: transactional },
      silentBaileysLogger,
    );
  }

  /** The device's phone-number JID (`user@s.whatsapp.net` for device 0, `user:n@…` otherwise). */
  get jid(): string {
    return jidEncode(this.user, "s.whatsapp.net", this.device || undefined);
  }

  /** The device's LID JID, when the account has a LID. */
  get lidJid(): string | undefined {
    return this.lid ? jidEncode(this.lid, "lid", this.device || undefined) : undefined;
  }

  /** The identity key, used as the account signature key when this device is a primary phone. */
  get identity(): KeyPair {
    return this.creds.signedIdentityKey;
  }

  /** Hands out one pre-key bundle (consuming a one-time pre-key), as the server does on a key fetch. */
  takeBundle(): PreKeyBundle {
    const next = this.#preKeys.entries().next();
    const bundle: PreKeyBundle = {
      registrationId: this.creds.registrationId,
      identityKey: signalPublicKey(this.creds.signedIdentityKey.public),
      signedPreKey: {
        keyId: this.creds.signedPreKey.keyId,
        publicKey: signalPublicKey(this.creds.signedPreKey.keyPair.public),
        signature: this.creds.signedPreKey.signature,
      },
    };
    if (!next.done) {
      const [keyId, pair] = next.value;
      this.#preKeys.delete(keyId);
      bundle.preKey = { keyId, publicKey: signalPublicKey(pair.public) };
    }
    return bundle;
  }

  /** The `<user>` node of an `iq xmlns=encrypt` key-fetch answer for this device. */
  bundleNode(requestedJid: string): BinaryNode {
    const bundle = this.takeBundle();
    const content: BinaryNode[] = [
      { tag: "registration", attrs: {}, content: encodeBigEndian(bundle.registrationId, 4) },
      { tag: "type", attrs: {}, content: KEY_BUNDLE_TYPE },
      { tag: "identity", attrs: {}, content: this.creds.signedIdentityKey.public },
      {
        tag: "skey",
        attrs: {},
        content: [
          { tag: "id", attrs: {}, content: encodeBigEndian(bundle.signedPreKey.keyId, 3) },
          { tag: "value", attrs: {}, content: this.creds.signedPreKey.keyPair.public },
          { tag: "signature", attrs: {}, content: bundle.signedPreKey.signature },
        ],
      },
    ];
    if (bundle.preKey) {
      content.push({
        tag: "key",
        attrs: {},
        content: [
          { tag: "id", attrs: {}, content: encodeBigEndian(bundle.preKey.keyId, 3) },
          { tag: "value", attrs: {}, content: bundle.preKey.publicKey.subarray(1) },
        ],
      });
    }
    return { tag: "user", attrs: { jid: requestedJid }, content };
  }

  async hasSessionWith(jid: string): Promise<boolean> {
    return (await this.repository.validateSession(jid)).exists;
  }

  async openSession(jid: string, bundle: PreKeyBundle): Promise<void> {
    await this.repository.injectE2ESession({ jid, session: bundle });
  }

  async encryptFor(
    jid: string,
    message: proto.IMessage,
  ): Promise<{ type: "pkmsg" | "msg"; ciphertext: Uint8Array }> {
    return this.repository.encryptMessage({ jid, data: encodeWAMessage(proto.Message.fromObject(message)) });
  }

  async decryptFrom(jid: string, type: "pkmsg" | "msg", ciphertext: Uint8Array): Promise<proto.Message> {
    const plaintext = await this.repository.decryptMessage({ jid, type, ciphertext });
    return proto.Message.decode(unpadRandomMax16(plaintext));
  }

  async encryptForGroup(
    group: string,
    message: proto.IMessage,
  ): Promise<{ ciphertext: Uint8Array; senderKeyDistributionMessage: Uint8Array }> {
    return this.repository.encryptGroupMessage({
      group,
      meId: this.jid,
      data: encodeWAMessage(proto.Message.fromObject(message)),
    });
  }

  async acceptSenderKey(authorJid: string, item: proto.Message.ISenderKeyDistributionMessage): Promise<void> {
    await this.repository.processSenderKeyDistributionMessage({ authorJid, item });
  }

  async decryptGroup(group: string, authorJid: string, ciphertext: Uint8Array): Promise<proto.Message> {
    const plaintext = await this.repository.decryptGroupMessage({ group, authorJid, msg: ciphertext });
    return proto.Message.decode(unpadRandomMax16(plaintext));
  }
}
