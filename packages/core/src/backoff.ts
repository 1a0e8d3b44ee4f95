export interface BackoffOptions {
  /** First delay, ms. */
  initialMs?: number;
  /** Ceiling, ms. */
  maxMs?: number;
  factor?: number;
  /** 0..1: the share of each delay that is randomised ("equal jitter"). */
  jitter?: number;
  random?: () => number;
}

/**
 * Exponential backoff with jitter for reconnects and restarts, so many accounts failing together
 * never reconnect in lockstep. `next()` gives the next delay; `reset()` after a healthy period.
 */
export class Backoff {
  readonly #initialMs: number;
  readonly #maxMs: number;
  readonly #factor: number;
  readonly #jitter: number;
  readonly #random: () => number;
  #attempt = 0;

  constructor(options: BackoffOptions = {}) {
    this.#initialMs = options.initialMs ?? 1_000;
    this.#maxMs = options.maxMs ?? 60_000;
    this.#factor = options.factor ?? 2;
    this.#jitter = Math.min(1, Math.max(0, options.jitter ?? 0.5));
    this.#random = options.random ?? Math.random;
  }

  get attempt(): number {
    return this.#attempt;
  }

  next(): number {
    const base = Math.min(this.#maxMs, this.#initialMs * this.#factor ** this.#attempt);
    this.#attempt += 1;
    const fixed = base * (1 - this.#jitter);
    return Math.round(fixed + base * this.#jitter * this.#random());
  }

  reset(): void {
    this.#attempt = 0;
  }
}

/** Resolves after `ms`, or early (rejecting with the reason) when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
