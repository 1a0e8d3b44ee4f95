import { randomUUID } from "node:crypto";
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { type WebSocket, WebSocketServer } from "ws";
import type { ConditionWaiters } from "../condition-waiters.js";
import type { SocketModeEnvelope } from "./wire.js";

/** The outcome of pushing one envelope over Socket Mode. */
export interface SocketDelivery {
  via: "socket";
  envelopeId: string;
  /** Which of the app's connections carried it (order of connection). */
  connectionId: number;
  /** True when the app acknowledged the envelope before the ack timeout. */
  acked: boolean;
}

interface Connection {
  id: number;
  appId: string;
  ws: WebSocket;
}

export interface SocketModeServerOptions {
  waiters: ConditionWaiters;
  /** How often the fake pings each socket, as Slack does (the client reconnects after 30 s without). */
  pingIntervalMs: number;
  ackTimeoutMs: number;
  /** Answer the client's WebSocket pings (default true); false simulates a dead link. */
  answerPings: boolean;
}

/**
 * Socket Mode's server side: one-time tickets from `apps.connections.open`, the `hello` handshake,
 * envelopes spread round-robin over all connections of an app (as Slack does), acks, `disconnect`
 * messages and dropped sockets.
 */
export class SocketModeServer {
  readonly #wss: WebSocketServer;
  readonly #tickets = new Map<string, string>();
  readonly #connections: Connection[] = [];
  readonly #opened = new Map<string, number>();
  readonly #roundRobin = new Map<string, number>();
  readonly #acks = new Map<string, (payload: unknown) => void>();
  readonly #acked = new Map<string, unknown>();
  readonly #options: SocketModeServerOptions;
  #nextConnectionId = 0;
  #pinger: NodeJS.Timeout | undefined;

  constructor(options: SocketModeServerOptions) {
    this.#options = options;
    this.#wss = new WebSocketServer({ noServer: true, autoPong: options.answerPings });
  }

  attach(server: Server): void {
    server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.#upgrade(req, socket, head),
    );
    this.#pinger = setInterval(() => {
      for (const c of this.#connections) c.ws.ping();
    }, this.#options.pingIntervalMs);
    this.#pinger.unref();
  }

  issueTicket(appId: string): string {
    const ticket = randomUUID();
    this.#tickets.set(ticket, appId);
    return ticket;
  }

  /** Open connections of `appId` right now. */
  connectionCount(appId: string): number {
    return this.#connections.filter((c) => c.appId === appId).length;
  }

  /** Connections of `appId` accepted since the fake started (a reconnect adds one). */
  openedCount(appId: string): number {
    return this.#opened.get(appId) ?? 0;
  }

  /** The ack payload the app sent for `envelopeId`, if it acked. */
  ackOf(envelopeId: string): unknown {
    return this.#acked.get(envelopeId);
  }

  hasAck(envelopeId: string): boolean {
    return this.#acked.has(envelopeId);
  }

  /** Pushes `envelope` to one of the app's connections (round-robin) and waits for its ack. */
  async send(appId: string, envelope: Omit<SocketModeEnvelope, "envelope_id">): Promise<SocketDelivery> {
    const connections = this.#connections.filter((c) => c.appId === appId);
    if (connections.length === 0) throw new Error(`Fake Slack: app ${appId} has no Socket Mode connection`);
    const turn = this.#roundRobin.get(appId) ?? 0;
    this.#roundRobin.set(appId, turn + 1);
    const connection = connections[turn % connections.length] as Connection;
    const envelopeId = randomUUID();
    const acked = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        this.#acks.delete(envelopeId);
        resolve(false);
      }, this.#options.ackTimeoutMs);
      this.#acks.set(envelopeId, () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    connection.ws.send(JSON.stringify({ envelope_id: envelopeId, ...envelope }));
    return { via: "socket", envelopeId, connectionId: connection.id, acked: await acked };
  }

  /** Sends Slack's `disconnect` message (the client should reconnect with a fresh URL). */
  disconnect(appId: string, reason = "refresh_requested"): number {
    const targets = this.#connections.filter((c) => c.appId === appId);
    for (const c of targets) {
      c.ws.send(JSON.stringify({ type: "disconnect", reason, debug_info: { host: "fake-slack" } }));
    }
    return targets.length;
  }

  /** Destroys the app's sockets without a close frame, as a network failure would. */
  drop(appId: string): number {
    const targets = this.#connections.filter((c) => c.appId === appId);
    for (const c of targets) c.ws.terminate();
    return targets.length;
  }

  close(): void {
    clearInterval(this.#pinger);
    for (const c of this.#connections) c.ws.terminate();
    this.#connections.length = 0;
    this.#wss.close();
  }

  #upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? "/", "http://fake");
    const ticket = url.searchParams.get("ticket") ?? "";
    const appId = this.#tickets.get(ticket);
    if (url.pathname !== "/link/" || appId === undefined) {
      socket.end("HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n");
      return;
    }
    this.#tickets.delete(ticket);
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#accept(appId, ws));
  }

  #accept(appId: string, ws: WebSocket): void {
    this.#nextConnectionId += 1;
    const connection: Connection = { id: this.#nextConnectionId, appId, ws };
    this.#connections.push(connection);
    this.#opened.set(appId, (this.#opened.get(appId) ?? 0) + 1);
    ws.on("message", (data, isBinary) => {
      if (isBinary) return;
      let frame: unknown;
      try {
        frame = JSON.parse(String(data));
      } catch {
        return;
      }
      if (typeof frame !== "object" || frame === null) return;
      const { envelope_id: envelopeId, payload } = frame as { envelope_id?: unknown; payload?: unknown };
      if (typeof envelopeId !== "string") return;
      this.#acked.set(envelopeId, payload ?? {});
      this.#acks.get(envelopeId)?.(payload);
      this.#acks.delete(envelopeId);
      this.#options.waiters.changed();
    });
    ws.on("close", () => {
      const index = this.#connections.indexOf(connection);
      if (index >= 0) this.#connections.splice(index, 1);
      this.#options.waiters.changed();
    });
    ws.on("error", () => {
      // A client that vanishes mid-frame; "close" follows and cleans up.
    });
    ws.send(
      JSON.stringify({
        type: "hello",
        num_connections: this.connectionCount(appId),
        debug_info: { host: "fake-slack", approximate_connection_time: 18_060 },
        connection_info: { app_id: appId },
      }),
    );
    this.#options.waiters.changed();
  }
}
