interface PendingWait {
  check: () => boolean;
  cancel: (reason: Error) => void;
}

/**
 * Lets callers wait for a condition over the fake's state. Every state change calls `notify()`,
 * which re-checks all pending waits; no polling, no test-framework dependency.
 */
export class ChangeNotifier {
  readonly #waits = new Set<PendingWait>();

  notify(): void {
    for (const wait of [...this.#waits]) wait.check();
  }

  /** Resolves with the first non-undefined value of `check`, or rejects after `timeoutMs`. */
  waitFor<T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    const first = check();
    if (first !== undefined) return Promise.resolve(first);
    return new Promise<T>((resolve, reject) => {
      const wait: PendingWait = {
        check: () => {
          const value = check();
          if (value === undefined) return false;
          this.#waits.delete(wait);
          clearTimeout(timer);
          resolve(value);
          return true;
        },
        cancel: (reason) => {
          this.#waits.delete(wait);
          clearTimeout(timer);
          reject(reason);
        },
      };
      const timer = setTimeout(
        () => wait.cancel(new Error(`Fake Telegram: timed out after ${timeoutMs} ms waiting for ${what}`)),
        timeoutMs,
      );
      this.#waits.add(wait);
    });
  }

  /** Rejects every pending wait (the fake is stopping). */
  cancelAll(): void {
    for (const wait of [...this.#waits]) wait.cancel(new Error("Fake Telegram: stopped"));
  }
}
