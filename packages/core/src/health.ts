/**
 * An account's connection state machine:
 * connecting → ready ⇄ degraded; any → needs-login (credentials refused, no retry loop);
 * any → replaced (another client took the session, WhatsApp 440); any → stopped.
 */
export type HealthState = "connecting" | "ready" | "degraded" | "needs-login" | "replaced" | "stopped";

export interface AccountHealth {
  state: HealthState;
  /** Why the account is not ready, in words an operator can act on. Never contains a secret. */
  reason?: string;
  /** When the state last changed (ms since epoch). */
  since: number;
  /** Last inbound message handed to the gateway. */
  lastInboundAt?: number;
  /** Last event of any kind from the platform (heartbeat ACK, poll answer, …). */
  lastEventAt?: number;
  /** Reconnects since start. */
  reconnects: number;
}

/** Tracks one account's health; adapters own one and expose `snapshot()` as `health()`. */
export class HealthTracker {
  #health: AccountHealth;
  readonly #now: () => number;
  readonly #onChange: ((health: AccountHealth) => void) | undefined;

  constructor(options: { now?: () => number; onChange?: (health: AccountHealth) => void } = {}) {
    this.#now = options.now ?? Date.now;
    this.#onChange = options.onChange;
    this.#health = { state: "connecting", since: this.#now(), reconnects: 0 };
  }

  get state(): HealthState {
    return this.#health.state;
  }

  set(state: HealthState, reason?: string): void {
    const previous = this.#health;
    if (previous.state === state && previous.reason === reason) return;
    const next: AccountHealth = { ...previous, state, since: this.#now() };
    if (reason === undefined) delete next.reason;
    else next.reason = reason;
    this.#health = next;
    this.#onChange?.(this.snapshot());
  }

  markEvent(): void {
    this.#health.lastEventAt = this.#now();
  }

  markInbound(): void {
    const now = this.#now();
    this.#health.lastInboundAt = now;
    this.#health.lastEventAt = now;
  }

  markReconnect(): void {
    this.#health.reconnects += 1;
  }

  snapshot(): AccountHealth {
    return { ...this.#health };
  }
}
