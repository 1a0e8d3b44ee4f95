import type { SentRecord } from "./model.js";

type Waiter = { predicate: (record: SentRecord) => boolean; resolve: (record: SentRecord) => void };

/** Everything the bot sent, decrypted, with ways to wait for or follow it. */
export class BotOutbox {
  readonly sent: SentRecord[] = [];
  #waiters: Waiter[] = [];
  readonly #listeners = new Set<(record: SentRecord) => void>();

  record(record: SentRecord): void {
    this.sent.push(record);
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) {
      if (waiter.predicate(record)) waiter.resolve(record);
      else this.#waiters.push(waiter);
    }
    for (const listener of this.#listeners) listener(record);
  }

  /** Calls `listener` for every message the bot sends from now on; returns an unsubscribe function. */
  subscribe(listener: (record: SentRecord) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  waitFor(predicate: (record: SentRecord) => boolean, timeoutMs: number, after: number): Promise<SentRecord> {
    const already = this.sent.slice(after).find(predicate);
    if (already) return Promise.resolve(already);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        predicate,
        resolve: (record) => {
          clearTimeout(timer);
          resolve(record);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        reject(new Error(`no matching message from the bot within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiters.push(waiter);
    });
  }
}
