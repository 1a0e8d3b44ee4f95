import { Backoff, GatewayError, type Logger } from "@patchbay/core";
import { authError, isAuthFailure, slackErrorCode } from "./errors.js";
import { teamIdsOf } from "./routing.js";
import type {
  SocketEnvelope,
  SocketMember,
  SocketSettings,
  SocketTransport,
  SocketTransportFactory,
} from "./socket-hub.js";

type ConnectionState = "idle" | "connecting" | "open" | "reconnecting" | "failed" | "closed";

/**
 * One Socket Mode connection shared by every account (workspace) on the same app token. Slack
 * spreads an app's events over all its connections, so one connection per workspace would hand
 * each account the other's events (OpenClaw #58523); here every envelope is routed by team id.
 */
export class SharedSocketConnection {
  readonly #settings: SocketSettings;
  readonly #createTransport: SocketTransportFactory;
  readonly #onEmpty: () => void;
  readonly #members = new Map<string, SocketMember>();
  readonly #backoff: Backoff;
  #logger: Logger | undefined;
  #transport: SocketTransport | undefined;
  #state: ConnectionState = "idle";
  #firstConnect: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #reason: string | undefined;
  #lastError: unknown;

  constructor(settings: SocketSettings, createTransport: SocketTransportFactory, onEmpty: () => void) {
    this.#settings = settings;
    this.#createTransport = createTransport;
    this.#onEmpty = onEmpty;
    this.#backoff = new Backoff({
      initialMs: settings.reconnect.initialMs,
      maxMs: settings.reconnect.maxMs,
      jitter: settings.reconnect.jitter,
    });
  }

  get state(): ConnectionState {
    return this.#state;
  }

  get memberCount(): number {
    return this.#members.size;
  }

  /** Adds an account; resolves once the connection is up (at once when it already is). */
  async join(member: SocketMember): Promise<void> {
    const existing = this.#members.get(member.teamId);
    if (existing && existing !== member) {
      throw new GatewayError(
        "CONFIG_INVALID",
        `Slack accounts "${existing.accountId}" and "${member.accountId}" both serve workspace ${member.teamId} ` +
          "through the same app token; keep one of them",
        { channel: "slack", accountId: member.accountId },
      );
    }
    this.#members.set(member.teamId, member);
    this.#logger ??= member.logger.child({ component: "slack-socket" });
    switch (this.#state) {
      case "open":
        member.onState("ready");
        return;
      case "reconnecting":
        member.onState("degraded", this.#reason);
        return;
      case "connecting":
        break;
      default:
        this.#state = "connecting";
        this.#firstConnect = this.#attempt().then(
          () => this.#opened(false),
          (error: unknown) => this.#firstConnectFailed(error),
        );
    }
    await this.#firstConnect;
    // Read through the getter: the await may have changed the state.
    if (this.state !== "open") {
      const error = this.#errorFor(member);
      await this.leave(member);
      throw error;
    }
  }

  /** Removes an account; the last one out closes the connection. */
  async leave(member: SocketMember): Promise<void> {
    if (this.#members.get(member.teamId) !== member) return;
    this.#members.delete(member.teamId);
    if (this.#members.size > 0) return;
    this.#state = "closed";
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#onEmpty();
    await this.#transport?.close().catch(() => undefined);
  }

  #errorFor(member: SocketMember): GatewayError {
    const error = this.#lastError;
    const code = slackErrorCode(error);
    if (code !== undefined && isAuthFailure(error)) {
      return authError(
        { accountId: member.accountId, method: "apps.connections.open", credential: "app-level token" },
        code,
        error,
      );
    }
    return new GatewayError(
      "CONNECTION_FAILED",
      `Slack account "${member.accountId}": Socket Mode connection failed: ${this.#reason ?? "unknown error"}`,
      { channel: "slack", accountId: member.accountId, cause: error },
    );
  }

  async #attempt(): Promise<void> {
    this.#transport ??= this.#createTransport(
      {
        appToken: this.#settings.appToken,
        apiUrl: this.#settings.apiUrl,
        logger: this.#logger ?? this.#settingsLogger(),
        secrets: this.#settings.secrets,
        clientPingTimeoutMs: this.#settings.clientPingTimeoutMs,
        serverPingTimeoutMs: this.#settings.serverPingTimeoutMs,
      },
      { onEnvelope: (e) => this.#onEnvelope(e), onClosed: (planned) => this.#onClosed(planned) },
    );
    const transport = this.#transport;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new Error(`no hello within ${this.#settings.helloTimeoutMs} ms`));
        void transport.close().catch(() => undefined);
      }, this.#settings.helloTimeoutMs);
    });
    try {
      await Promise.race([transport.connect(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  #settingsLogger(): Logger {
    const first = this.#members.values().next().value;
    return (first?.logger ?? this.#settings.logger).child({ component: "slack-socket" });
  }

  #describe(error: unknown): string {
    const code = slackErrorCode(error);
    if (code !== undefined) return code;
    return error instanceof Error ? error.message : String(error ?? "connection closed");
  }

  #firstConnectFailed(error: unknown): void {
    if (this.#state === "closed") return;
    this.#lastError = error;
    this.#reason = this.#describe(error);
    this.#state = "failed";
    this.#log().warn("Socket Mode connection failed", { reason: this.#reason, accounts: this.#accountIds() });
    if (isAuthFailure(error)) {
      for (const member of this.#members.values())
        member.onState("needs-login", this.#errorFor(member).message);
    }
  }

  #opened(reconnected: boolean): void {
    if (this.#state === "closed") {
      void this.#transport?.close().catch(() => undefined);
      return;
    }
    this.#state = "open";
    this.#reason = undefined;
    this.#backoff.reset();
    this.#log().info(reconnected ? "Socket Mode reconnected" : "Socket Mode connected", {
      accounts: this.#accountIds(),
    });
    for (const member of this.#members.values()) {
      if (reconnected) member.onReconnected();
      member.onState("ready");
    }
  }

  #onClosed(planned: boolean): void {
    if (this.#state !== "open") return;
    this.#state = "reconnecting";
    this.#reason = planned
      ? "Slack asked for a reconnect (disconnect message)"
      : "Socket Mode connection lost";
    this.#log().warn("Socket Mode connection closed; reconnecting", {
      planned,
      accounts: this.#accountIds(),
    });
    for (const member of this.#members.values()) member.onState("degraded", this.#reason);
    // A `disconnect` message is routine (Slack rotates connections): reconnect at once.
    this.#schedule(planned ? 0 : this.#backoff.next());
  }

  #schedule(delayMs: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (this.#state !== "reconnecting") return;
      this.#attempt().then(
        () => this.#opened(true),
        (error: unknown) => this.#reconnectFailed(error),
      );
    }, delayMs);
  }

  #reconnectFailed(error: unknown): void {
    if (this.#state !== "reconnecting") return;
    this.#lastError = error;
    this.#reason = `reconnect failed: ${this.#describe(error)}`;
    if (isAuthFailure(error)) {
      this.#state = "failed";
      this.#log().error("Socket Mode app-level token refused; not reconnecting", {
        accounts: this.#accountIds(),
      });
      for (const member of this.#members.values())
        member.onState("needs-login", this.#errorFor(member).message);
      return;
    }
    const delay = this.#backoff.next();
    this.#log().warn("Socket Mode reconnect failed", { reason: this.#reason, retryInMs: delay });
    for (const member of this.#members.values()) member.onState("degraded", this.#reason);
    this.#schedule(delay);
  }

  #onEnvelope(envelope: SocketEnvelope): void {
    const ack = () =>
      envelope
        .ack()
        .catch((error: unknown) => this.#log().debug("ack failed", { reason: this.#describe(error) }));
    const body =
      typeof envelope.body === "object" && envelope.body !== null && !Array.isArray(envelope.body)
        ? (envelope.body as Record<string, unknown>)
        : undefined;
    if (!body) {
      this.#log().warn("Malformed Socket Mode envelope dropped (payload is not an object)", {
        type: envelope.type,
      });
      void ack();
      return;
    }
    if (envelope.type !== "events_api") {
      this.#log().debug("Socket Mode envelope type not handled; acknowledged", { type: envelope.type });
      void ack();
      return;
    }
    const teams = teamIdsOf(body);
    const member = teams.map((t) => this.#members.get(t)).find((m) => m !== undefined);
    if (!member) {
      this.#log().warn("Event for a workspace no account on this app token serves; dropped", {
        teamIds: teams,
        accounts: this.#accountIds(),
      });
      void ack();
      return;
    }
    const delivery = {
      body,
      ...(envelope.retryNum !== undefined ? { retryNum: envelope.retryNum } : {}),
      ...(envelope.retryReason !== undefined ? { retryReason: envelope.retryReason } : {}),
    };
    member.deliver(delivery).then(ack, (error: unknown) => {
      // No ack: Slack redelivers the envelope, and the event_id ledger was released for it.
      member.logger.warn("Event not acknowledged; Slack will redeliver it", {
        reason: this.#describe(error),
      });
    });
  }

  #accountIds(): string[] {
    return [...this.#members.values()].map((m) => m.accountId);
  }

  #log(): Logger {
    this.#logger ??= this.#settingsLogger();
    return this.#logger;
  }
}
