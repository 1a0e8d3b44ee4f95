import {
  aesDecryptGCM,
  aesEncryptGCM,
  type BinaryNode,
  Curve,
  decodeBinaryNode,
  encodeBinaryNode,
  hkdf,
  NOISE_MODE,
  NOISE_WA_HEADER,
  proto,
  sha256,
} from "baileys";
import type { TestPki } from "./pki.js";

/** What a connection yields once bytes are decoded: the client's login payload, then nodes. */
export type NoiseEvent = { kind: "login"; payload: proto.ClientPayload } | { kind: "node"; node: BinaryNode };

const EMPTY = Buffer.alloc(0);

function iv(counter: number): Buffer {
  const out = Buffer.alloc(12);
  out.writeUInt32BE(counter, 8);
  return out;
}

/**
 * The server half of WhatsApp Web's Noise XX handshake (a mirror of Baileys' `noise-handler`), the
 * 3-byte length framing, and the encrypted transport of binary nodes afterwards.
 */
export class NoiseServerSession {
  readonly #pki: TestPki;
  readonly #write: (bytes: Uint8Array) => void;
  #buffer: Buffer = EMPTY;
  #introSeen = false;
  #stage: "hello" | "finish" | "transport" = "hello";
  #hash: Buffer = Buffer.from(NOISE_MODE);
  #salt: Buffer = this.#hash;
  #key: Buffer = this.#hash;
  #counter = 0;
  #ephemeral: { public: Uint8Array; private: Uint8Array } | undefined;
  #transport: { readKey: Buffer; writeKey: Buffer; read: number; write: number } | undefined;
  /** The client's static Noise public key, known after the handshake. */
  clientStatic: Uint8Array | undefined;

  constructor(pki: TestPki, write: (bytes: Uint8Array) => void) {
    this.#pki = pki;
    this.#write = write;
    this.#authenticate(NOISE_WA_HEADER);
  }

  get established(): boolean {
    return this.#stage === "transport";
  }

  /** Feeds raw WebSocket bytes; returns every complete event they finish. Throws on a protocol error. */
  async receive(data: Uint8Array): Promise<NoiseEvent[]> {
    this.#buffer = this.#buffer.length === 0 ? Buffer.from(data) : Buffer.concat([this.#buffer, data]);
    if (!this.#introSeen) {
      if (this.#buffer.length < NOISE_WA_HEADER.length) return [];
      if (!this.#buffer.subarray(0, NOISE_WA_HEADER.length).equals(Buffer.from(NOISE_WA_HEADER))) {
        throw new Error("bad Noise intro header");
      }
      this.#buffer = this.#buffer.subarray(NOISE_WA_HEADER.length);
      this.#introSeen = true;
    }
    const events: NoiseEvent[] = [];
    while (this.#buffer.length >= 3) {
      const length = this.#buffer.readUIntBE(0, 3);
      if (this.#buffer.length < 3 + length) break;
      const frame = this.#buffer.subarray(3, 3 + length);
      this.#buffer = this.#buffer.subarray(3 + length);
      const event = await this.#onFrame(frame);
      if (event) events.push(event);
    }
    return events;
  }

  /** Encrypts and frames one node for the client. */
  sendNode(node: BinaryNode): void {
    const transport = this.#transport;
    if (!transport) throw new Error("Noise transport not established");
    const plaintext = encodeBinaryNode(node);
    this.#sendFrame(aesEncryptGCM(plaintext, transport.writeKey, iv(transport.write++), EMPTY));
  }

  async #onFrame(frame: Buffer): Promise<NoiseEvent | undefined> {
    if (this.#stage === "hello") {
      const { clientHello } = proto.HandshakeMessage.decode(frame);
      if (!clientHello?.ephemeral) throw new Error("expected clientHello");
      this.#authenticate(clientHello.ephemeral);
      const ephemeral = Curve.generateKeyPair();
      this.#ephemeral = ephemeral;
      this.#authenticate(ephemeral.public);
      this.#mix(Curve.sharedKey(ephemeral.private, clientHello.ephemeral));
      const staticEnc = this.#encrypt(this.#pki.serverStatic.public);
      this.#mix(Curve.sharedKey(this.#pki.serverStatic.private, clientHello.ephemeral));
      const payloadEnc = this.#encrypt(this.#pki.certChain);
      const hello = proto.HandshakeMessage.encode({
        serverHello: { ephemeral: ephemeral.public, static: staticEnc, payload: payloadEnc },
      }).finish();
      this.#sendFrame(hello);
      this.#stage = "finish";
      return undefined;
    }
    if (this.#stage === "finish") {
      const { clientFinish } = proto.HandshakeMessage.decode(frame);
      if (!clientFinish?.static || !clientFinish.payload || !this.#ephemeral)
        throw new Error("expected clientFinish");
      const clientStatic = this.#decrypt(clientFinish.static);
      this.clientStatic = clientStatic;
      this.#mix(Curve.sharedKey(this.#ephemeral.private, clientStatic));
      const payload = proto.ClientPayload.decode(this.#decrypt(clientFinish.payload));
      const keys = Buffer.from(hkdf(EMPTY, 64, { salt: this.#salt, info: "" }));
      // The client writes with the first half and reads with the second.
      this.#transport = { readKey: keys.subarray(0, 32), writeKey: keys.subarray(32), read: 0, write: 0 };
      this.#stage = "transport";
      return { kind: "login", payload };
    }
    const transport = this.#transport;
    if (!transport) throw new Error("Noise transport not established");
    const plaintext = aesDecryptGCM(frame, transport.readKey, iv(transport.read++), EMPTY);
    const node = await decodeBinaryNode(plaintext);
    return { kind: "node", node };
  }

  #sendFrame(data: Uint8Array): void {
    const frame = Buffer.alloc(3 + data.length);
    frame.writeUIntBE(data.length, 0, 3);
    frame.set(data, 3);
    this.#write(frame);
  }

  #authenticate(data: Uint8Array): void {
    this.#hash = Buffer.from(sha256(Buffer.concat([this.#hash, data])));
  }

  #mix(sharedSecret: Uint8Array): void {
    const keys = Buffer.from(hkdf(Buffer.from(sharedSecret), 64, { salt: this.#salt, info: "" }));
    this.#salt = keys.subarray(0, 32);
    this.#key = keys.subarray(32);
    this.#counter = 0;
  }

  #encrypt(plaintext: Uint8Array): Buffer {
    const result = aesEncryptGCM(plaintext, this.#key, iv(this.#counter++), this.#hash);
    this.#authenticate(result);
    return result;
  }

  #decrypt(ciphertext: Uint8Array): Buffer {
    const result = aesDecryptGCM(ciphertext, this.#key, iv(this.#counter++), this.#hash);
    this.#authenticate(ciphertext);
    return result;
  }
}
