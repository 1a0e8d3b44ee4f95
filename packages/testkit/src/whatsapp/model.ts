import type { proto } from "baileys";
import type { FakeConnection } from "./connection.js";
import type { FakeDevice, PreKeyBundle } from "./device.js";

/** The pre-keys a linked companion uploaded, as the server holds them for others to fetch. */
export interface CompanionBundle {
  registrationId: number;
  identityKey: Uint8Array;
  signedPreKey: { keyId: number; publicKey: Uint8Array; signature: Uint8Array };
  preKeys: Map<number, Uint8Array>;
}

/** A device linked to an account (what Baileys is): its noise key, keys and live connection. */
export interface CompanionRecord {
  deviceId: number;
  /** The companion's static Noise public key; a login with another key is refused (401). */
  noiseKey: Buffer;
  bundle: CompanionBundle | undefined;
  connection: FakeConnection | undefined;
  /** Messages waiting while the companion is offline, delivered (with `offline`) on its next login. */
  pending: PendingDelivery[];
}

/** A message the server will encrypt and deliver to a companion when it is connected. */
export interface PendingDelivery {
  build(companionJid: string): Promise<import("baileys").BinaryNode>;
}

/** Takes one pre-key from a companion bundle (a one-time key fetch, as WhatsApp's server does). */
export function takeCompanionBundle(bundle: CompanionBundle): PreKeyBundle {
  const out: PreKeyBundle = {
    registrationId: bundle.registrationId,
    identityKey: bundle.identityKey,
    signedPreKey: bundle.signedPreKey,
  };
  const next = bundle.preKeys.entries().next();
  if (!next.done) {
    const [keyId, publicKey] = next.value;
    bundle.preKeys.delete(keyId);
    out.preKey = { keyId, publicKey };
  }
  return out;
}

/** A WhatsApp number the bot links to as a companion; its owner's phone is device 0. */
export interface FakeAccountRecord {
  phone: string;
  lid: string;
  primary: FakeDevice;
  companions: Map<number, CompanionRecord>;
  nextDeviceId: number;
}

/** Why the fake closes a connection (see `FakeWhatsAppServer.disconnect`). */
export type DisconnectFault =
  | { kind: "logged-out" }
  | { kind: "replaced" }
  | { kind: "restart-required" }
  | { kind: "stream-error"; code: number }
  | { kind: "drop" };

/** One message the bot sent, decrypted by the fake recipient. */
export interface SentRecord {
  /** The sending account's phone number. */
  account: string;
  /** The companion device that sent it. */
  deviceId: number;
  /** The chat: a contact's JID as the bot addressed it, or a group JID. */
  chat: string;
  /** Phone number of the DM recipient (undefined for groups). */
  recipient: string | undefined;
  group: string | undefined;
  id: string;
  message: proto.Message;
  /** The text, from `conversation` or `extendedTextMessage`. */
  text: string | undefined;
  /** The id of the quoted message, when the bot quoted one. */
  quotedId: string | undefined;
}

/** A presence (chat state) update the bot sent, e.g. `composing` while its agent works. */
export interface PresenceRecord {
  account: string;
  to: string;
  state: string;
}
