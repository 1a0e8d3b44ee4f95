import { sleep } from "@patchbay/core";

/** Discord's `session_start_limit` from `GET /gateway/bot`, in milliseconds. */
export interface SessionStartLimit {
  total: number;
  remaining: number;
  resetAfterMs: number;
  maxConcurrency: number;
}

export interface IdentifyBudgetOptions {
  /** Reads the current limit (GET /gateway/bot); `fresh` asks for a new read after a reset. */
  fetchLimit: (fresh: boolean) => Promise<SessionStartLimit>;
  /** Minimum time between two IDENTIFYs of this account (Discord: 5 s per concurrency bucket). */
  spacingMs?: number;
  /** Told when the daily budget is spent, with the time it comes back. */
  onExhausted?: (resetAt: number) => void;
  now?: () => number;
}

/**
 * Gates every IDENTIFY of one bot account: at most one per `spacingMs`, and never beyond the
 * daily session-start budget Discord announces (exceeding it gets the token reset). When the
 * budget is spent it waits for the reset instead of identifying, however often the connection drops.
 */
export class IdentifyBudget {
  readonly #fetchLimit: (fresh: boolean) => Promise<SessionStartLimit>;
  readonly #spacingMs: number;
  readonly #onExhausted: ((resetAt: number) => void) | undefined;
  readonly #now: () => number;
  #remaining: number | undefined;
  #resetAt = 0;
  #lastIdentifyAt = Number.NEGATIVE_INFINITY;

  constructor(options: IdentifyBudgetOptions) {
    this.#fetchLimit = options.fetchLimit;
    this.#spacingMs = options.spacingMs ?? 5_000;
    this.#onExhausted = options.onExhausted;
    this.#now = options.now ?? Date.now;
  }

  /** Identifies left in the current window, as far as this process knows. */
  get remaining(): number | undefined {
    return this.#remaining;
  }

  /** Resolves when an IDENTIFY may be sent and counts it; rejects when `signal` aborts. */
  async acquire(signal?: AbortSignal): Promise<void> {
    for (;;) {
      if (this.#remaining === undefined || this.#now() >= this.#resetAt) {
        const fresh = this.#remaining !== undefined;
        const limit = await this.#fetchLimit(fresh);
        this.#remaining = limit.remaining;
        this.#resetAt = this.#now() + limit.resetAfterMs;
      }
      if (this.#remaining > 0) break;
      this.#onExhausted?.(this.#resetAt);
      await sleep(Math.max(0, this.#resetAt - this.#now()), signal);
      this.#resetAt = 0; // read the limit again rather than trust our own count across a reset
    }
    const wait = this.#lastIdentifyAt + this.#spacingMs - this.#now();
    if (wait > 0) await sleep(wait, signal);
    this.#remaining -= 1;
    this.#lastIdentifyAt = this.#now();
  }
}
