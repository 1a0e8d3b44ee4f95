import type { BinaryNode, proto } from "baileys";
import type { WebSocket } from "ws";
import { type NoiseEvent, NoiseServerSession } from "./noise.js";
import type { TestPki } from "./pki.js";

export type ConnectionStage = "handshake" | "pairing" | "authenticated" | "closed";

export interface ConnectionHandler {
  onLogin(connection: FakeConnection, payload: proto.ClientPayload): Promise<void>;
  onNode(connection: FakeConnection, node: BinaryNode): Promise<void>;
  onClose(connection: FakeConnection): void;
  onError(connection: FakeConnection, error: unknown): void;
}

let connectionCounter = 0;

/** One client WebSocket: the Noise session on it, who it logged in as, and a serial event queue. */
export class FakeConnection {
  readonly id = ++connectionCounter;
  readonly #ws: WebSocket;
  readonly #noise: NoiseServerSession;
  readonly #handler: ConnectionHandler;
  #queue: Promise<void> = Promise.resolve();
  stage: ConnectionStage = "handshake";
  /** Account phone and companion device id, once logged in or paired. */
  phone: string | undefined;
  deviceId: number | undefined;
  /** Refs handed out in `pair-device`, for QR scans to find this connection. */
  readonly pairingRefs: string[] = [];
  /** Every node the client sent, in order (for tests that inspect the wire). */
  readonly received: BinaryNode[] = [];

  constructor(ws: WebSocket, pki: TestPki, handler: ConnectionHandler) {
    this.#ws = ws;
    this.#handler = handler;
    this.#noise = new NoiseServerSession(pki, (bytes) => {
      if (ws.readyState === ws.OPEN) ws.send(bytes);
    });
    ws.on("message", (data: Buffer) => {
      this.#queue = this.#queue.then(() => this.#receive(data));
    });
    ws.on("close", () => {
      this.stage = "closed";
      handler.onClose(this);
    });
    ws.on("error", () => {});
  }

  get open(): boolean {
    return this.stage !== "closed" && this.#ws.readyState === this.#ws.OPEN;
  }

  /** The client's static Noise key (its `creds.noiseKey.public`). */
  get clientStatic(): Uint8Array | undefined {
    return this.#noise.clientStatic;
  }

  send(node: BinaryNode): void {
    if (!this.open || !this.#noise.established) return;
    this.#noise.sendNode(node);
  }

  /** Closes the WebSocket cleanly (after any stream error already sent). */
  close(): void {
    this.stage = "closed";
    this.#ws.close();
  }

  /** Drops the TCP connection without a closing handshake (a network failure). */
  terminate(): void {
    this.stage = "closed";
    this.#ws.terminate();
  }

  async #receive(data: Buffer): Promise<void> {
    if (this.stage === "closed") return;
    let events: NoiseEvent[];
    try {
      events = await this.#noise.receive(data);
    } catch {
      this.terminate();
      return;
    }
    for (const event of events) {
      try {
        if (event.kind === "login") await this.#handler.onLogin(this, event.payload);
        else {
          this.received.push(event.node);
          await this.#handler.onNode(this, event.node);
        }
      } catch (error) {
        // A fake must survive whatever a client sends; the server records the error for tests.
        this.#handler.onError(this, error);
      }
    }
  }
}
