import type { Logger } from "@patchbay/core";
import { createSocketTransport } from "./client.js";
import { SharedSocketConnection } from "./socket-connection.js";

/** One Socket Mode envelope as the transport hands it over. */
export interface SocketEnvelope {
  /** `events_api`, `slash_commands` or `interactive`. */
  type: string;
  /** The envelope's payload (for `events_api`, the `event_callback` body); unchecked. */
  body: unknown;
  retryNum: number | undefined;
  retryReason: string | undefined;
  ack(): Promise<void>;
}

/** A Socket Mode connection as the hub drives it (client.ts implements it with the SDK). */
export interface SocketTransport {
  /** `apps.connections.open`, then the WebSocket; resolves on Slack's `hello`. */
  connect(): Promise<void>;
  close(): Promise<void>;
}

export interface SocketTransportHandlersLike {
  onEnvelope(envelope: SocketEnvelope): void;
  onClosed(planned: boolean): void;
}

export type SocketTransportFactory = (
  settings: {
    appToken: string;
    apiUrl: string;
    logger: Logger;
    secrets: readonly string[];
    clientPingTimeoutMs: number;
    serverPingTimeoutMs: number;
  },
  handlers: SocketTransportHandlersLike,
) => SocketTransport;

/** How the connection for one app token behaves (from the first account that opens it). */
export interface SocketSettings {
  appToken: string;
  apiUrl: string;
  logger: Logger;
  /** Scrubbed from every SDK log line. */
  secrets: readonly string[];
  clientPingTimeoutMs: number;
  serverPingTimeoutMs: number;
  helloTimeoutMs: number;
  reconnect: { initialMs: number; maxMs: number; jitter: number };
}

/** One account's seat on a shared connection. */
export interface SocketMember {
  accountId: string;
  /** The workspace this account's bot token belongs to: envelopes are routed by it. */
  teamId: string;
  logger: Logger;
  /** Handles one event routed to this account; resolving acks the envelope, rejecting leaves it unacked. */
  deliver(event: { body: Record<string, unknown>; retryNum?: number; retryReason?: string }): Promise<void>;
  onState(state: "ready" | "degraded" | "needs-login", reason?: string): void;
  onReconnected(): void;
}

/** A member's handle on its connection. */
export interface SocketLease {
  leave(): Promise<void>;
}

export interface SlackSocketHubOptions {
  /** Replaces the SDK transport (tests of the hub itself). */
  createTransport?: SocketTransportFactory;
}

/**
 * Shares Socket Mode connections between accounts: one connection per (API root, app token), with
 * every event routed to the account whose workspace it belongs to. The gateway creates one channel
 * per account and never sees this; all channels use the process-wide `defaultSlackSocketHub`
 * unless given another.
 */
export class SlackSocketHub {
  readonly #connections = new Map<string, SharedSocketConnection>();
  readonly #createTransport: SocketTransportFactory;

  constructor(options: SlackSocketHubOptions = {}) {
    this.#createTransport = options.createTransport ?? createSocketTransport;
  }

  /** Seats `member` on the connection for `settings.appToken`, opening it if needed; resolves when connected. */
  async join(settings: SocketSettings, member: SocketMember): Promise<SocketLease> {
    // The token is a key in memory only; it is never logged or exposed.
    const key = `${settings.apiUrl}\u0000${settings.appToken}`;
    let connection = this.#connections.get(key);
    if (!connection) {
      const created: SharedSocketConnection = new SharedSocketConnection(
        settings,
        this.#createTransport,
        () => {
          if (this.#connections.get(key) === created) this.#connections.delete(key);
        },
      );
      connection = created;
      this.#connections.set(key, connection);
    }
    const joined = connection;
    await joined.join(member);
    return { leave: () => joined.leave(member) };
  }

  /** Connections currently held (one per distinct app token in use). */
  get connectionCount(): number {
    return this.#connections.size;
  }
}

/** The hub every Slack channel in this process uses by default. */
export const defaultSlackSocketHub = new SlackSocketHub();
