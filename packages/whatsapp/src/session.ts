import { Backoff, ChannelAuthError, GatewayError, type HealthTracker, type Logger } from "@patchbay/core";
import type { AuthStore } from "./auth-state.js";
import {
  type ConnectionState,
  type GroupMetadata,
  type MessageUpsertType,
  openSocket,
  type proto,
  type WAMessage,
  type WASocket,
} from "./client.js";
import { phoneDigits, type WhatsAppChannelConfig, type WhatsAppLoginOptions } from "./config.js";
import { classifyDisconnect } from "./errors.js";
import type { ServerTrust } from "./server-trust.js";

export interface SessionHooks {
  onMessages(update: { messages: WAMessage[]; type: MessageUpsertType }, sock: WASocket): void;
  onGroupsChanged(jids: string[]): void;
  cachedGroupMetadata(jid: string): Promise<GroupMetadata | undefined>;
  getMessage(key: proto.IMessageKey): Promise<proto.IMessage | undefined>;
}

export interface SessionDeps {
  config: WhatsAppChannelConfig;
  logger: Logger;
  health: HealthTracker;
  auth: AuthStore;
  trust: () => ServerTrust;
  hooks: SessionHooks;
  random: () => number;
  /** Login callbacks, used while the account is not linked. */
  login: WhatsAppLoginOptions | undefined;
}

/**
 * One account's connection over time: opens a Baileys socket, follows the 515 restart, reconnects
 * transient failures with backoff and jitter (each new socket starts with fresh keep-alive timers;
 * the old one is ended first), and stops for good on logout (401), replacement (440) or an
 * untrusted server. Health follows: connecting → ready ⇄ degraded; needs-login; replaced; stopped.
 */
export class AccountSession {
  readonly #deps: SessionDeps;
  readonly #backoff: Backoff;
  #sock: WASocket | undefined;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #everOpen = false;
  #pairingRequested = false;
  #opened: { resolve: () => void; reject: (error: GatewayError) => void } | undefined;

  constructor(deps: SessionDeps) {
    this.#deps = deps;
    const { reconnect } = deps.config;
    this.#backoff = new Backoff({
      initialMs: reconnect.initialMs,
      maxMs: reconnect.maxMs,
      factor: reconnect.factor,
      jitter: reconnect.jitter,
      random: deps.random,
    });
  }

  /** The live socket, when connected. */
  get socket(): WASocket | undefined {
    return this.#sock;
  }

  /** Connects; resolves at the first `open`, rejects if the account cannot be used at all. */
  run(): Promise<void> {
    const { health, auth, login } = this.#deps;
    if (!auth.linked && !login) {
      const reason = "this WhatsApp number is not linked; run `patchbay channels login --channel whatsapp`";
      health.set("needs-login", reason);
      return Promise.reject(new ChannelAuthError("whatsapp", this.#deps.config.accountId, reason));
    }
    return new Promise<void>((resolve, reject) => {
      this.#opened = { resolve, reject };
      health.set("connecting");
      this.#connect();
    });
  }

  /** Ends the socket and every timer; no reconnect afterwards. Idempotent. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const sock = this.#sock;
    this.#sock = undefined;
    if (sock) await sock.end(undefined).catch(() => {});
    this.#opened?.reject(new GatewayError("CONNECTION_FAILED", "stopped before the connection opened"));
    this.#opened = undefined;
  }

  #connect(): void {
    if (this.#stopped) return;
    const { config, auth, hooks, logger } = this.#deps;
    const sock = openSocket({
      channel: "whatsapp",
      accountId: config.accountId,
      auth: auth.state,
      logger,
      webSocketUrl: config.webSocketUrl,
      trust: this.#deps.trust,
      connectTimeoutMs: config.connectTimeoutMs,
      queryTimeoutMs: config.queryTimeoutMs,
      keepAliveIntervalMs: config.keepAliveIntervalMs,
      qrTimeoutMs: config.qrTimeoutMs,
      cachedGroupMetadata: hooks.cachedGroupMetadata,
      getMessage: hooks.getMessage,
    });
    this.#sock = sock;
    sock.ev.on("creds.update", () => {
      auth.saveCreds().catch((error: unknown) => {
        logger.error("could not save WhatsApp credentials", { error: String(error) });
      });
    });
    sock.ev.on("connection.update", (update) => this.#onUpdate(sock, update));
    sock.ev.on("messages.upsert", (update) => {
      if (sock === this.#sock) hooks.onMessages(update, sock);
    });
    sock.ev.on("groups.update", (updates) =>
      hooks.onGroupsChanged(updates.flatMap((u) => (u.id ? [u.id] : []))),
    );
    sock.ev.on("group-participants.update", (update) => hooks.onGroupsChanged([update.id]));
  }

  #onUpdate(sock: WASocket, update: Partial<ConnectionState>): void {
    if (sock !== this.#sock) return;
    const { health, logger } = this.#deps;
    health.markEvent();
    if (update.qr) this.#onQr(sock, update.qr);
    if (update.connection === "open") {
      this.#everOpen = true;
      this.#backoff.reset();
      health.set("ready");
      logger.info("WhatsApp connection open");
      this.#opened?.resolve();
      this.#opened = undefined;
    } else if (update.connection === "close") {
      this.#sock = undefined;
      this.#onClose(update.lastDisconnect?.error);
    }
  }

  #onQr(sock: WASocket, qr: string): void {
    const login = this.#deps.login;
    if (!login) {
      // Linked credentials that the server treats as new: never show a QR unasked.
      return;
    }
    if (login.pairingPhone) {
      if (this.#pairingRequested) return;
      this.#pairingRequested = true;
      sock
        .requestPairingCode(phoneDigits(login.pairingPhone))
        .then((code) => login.onPairingCode?.(code))
        .catch((error: unknown) =>
          this.#deps.logger.error("pairing code request failed", { error: String(error) }),
        );
      return;
    }
    login.onQr?.(qr);
  }

  #onClose(error: Error | undefined): void {
    if (this.#stopped) return;
    const { health, logger } = this.#deps;
    const action = classifyDisconnect(error);
    switch (action.kind) {
      case "restart":
        logger.info("WhatsApp asked for a restart; reconnecting with the saved credentials");
        health.markReconnect();
        this.#pairingRequested = false;
        this.#connect();
        return;
      case "logged-out":
        logger.warn("WhatsApp logged this account out", { reason: action.reason });
        this.#fail(
          "needs-login",
          action.reason,
          new ChannelAuthError("whatsapp", this.#deps.config.accountId, action.reason),
        );
        return;
      case "replaced":
        logger.warn("WhatsApp session replaced by another client; not reconnecting", {
          reason: action.reason,
        });
        this.#fail(
          "replaced",
          action.reason,
          new GatewayError("CONNECTION_REPLACED", action.reason, this.#context()),
        );
        return;
      case "untrusted":
        logger.error("refused an untrusted WhatsApp server", { reason: action.error.message });
        this.#fail("stopped", action.error.message, action.error);
        return;
      case "transient": {
        const delay = this.#backoff.next();
        health.set(this.#everOpen ? "degraded" : "connecting", action.reason);
        health.markReconnect();
        logger.warn("WhatsApp connection lost; reconnecting", { reason: action.reason, delayMs: delay });
        this.#timer = setTimeout(() => {
          this.#timer = undefined;
          this.#connect();
        }, delay);
        return;
      }
    }
  }

  #fail(state: "needs-login" | "replaced" | "stopped", reason: string, error: GatewayError): void {
    this.#stopped = true;
    this.#deps.health.set(state, reason);
    this.#opened?.reject(error);
    this.#opened = undefined;
  }

  #context(): { channel: string; accountId: string } {
    return { channel: "whatsapp", accountId: this.#deps.config.accountId };
  }
}
