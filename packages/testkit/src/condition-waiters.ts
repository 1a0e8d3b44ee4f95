interface Waiter {
  poll(): boolean;
  fail(error: Error): void;
}

/**
 * Pending "wait until" conditions over the fake's state. `changed()` re-polls them after every
 * state change, so nothing polls on a timer and no test framework is needed.
 */
export class ConditionWaiters {
  readonly #pending = new Set<Waiter>();
  readonly #label: string;

  /** `label` names the fake in timeout errors, e.g. "Fake Slack". */
  constructor(label: string) {
    this.#label = label;
  }

  changed(): void {
    for (const waiter of [...this.#pending]) waiter.poll();
  }

  /** Resolves with the first value `probe` returns other than undefined, or rejects after `timeoutMs`. */
  until<T>(probe: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    const now = probe();
    if (now !== undefined) return Promise.resolve(now);
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter = {
        poll: () => {
          const value = probe();
          if (value === undefined) return false;
          this.#pending.delete(waiter);
          clearTimeout(timer);
          resolve(value);
          return true;
        },
        fail: (error) => {
          this.#pending.delete(waiter);
          clearTimeout(timer);
          reject(error);
        },
      };
      const timer = setTimeout(
        () => waiter.fail(new Error(`${this.#label}: timed out after ${timeoutMs} ms waiting for ${what}`)),
        timeoutMs,
      );
      this.#pending.add(waiter);
    });
  }

  failAll(reason: string): void {
    for (const waiter of [...this.#pending]) waiter.fail(new Error(`${this.#label}: ${reason}`));
  }
}
