import type { KeyValueStore, Logger } from "@patchbay/core";

/** An insertion-ordered set that forgets its oldest keys beyond `size`; unlike DedupeWindow, keys can be released. */
export class RecentKeys {
  readonly #keys = new Set<string>();
  readonly #size: number;

  constructor(size: number, keys: Iterable<string> = []) {
    this.#size = Math.max(1, size);
    for (const key of keys) this.add(key);
  }

  has(key: string): boolean {
    return this.#keys.has(key);
  }

  /** Adds `key`; false when it was already there. */
  add(key: string): boolean {
    if (this.#keys.has(key)) return false;
    this.#keys.add(key);
    while (this.#keys.size > this.#size) {
      const oldest = this.#keys.values().next().value;
      if (oldest === undefined) break;
      this.#keys.delete(oldest);
    }
    return true;
  }

  delete(key: string): void {
    this.#keys.delete(key);
  }

  toJSON(): string[] {
    return [...this.#keys];
  }
}

/**
 * Remembers the Events API `event_id`s an account has taken, so Slack's retries (HTTP
 * `X-Slack-Retry-Num`, Socket Mode `retry_attempt`) are dropped, across restarts when a store is
 * given. An event whose handling failed is released, so Slack's next retry is processed.
 */
export class EventLedger {
  readonly #store: KeyValueStore | undefined;
  readonly #key: string;
  readonly #logger: Logger;
  #ids: RecentKeys;
  readonly #size: number;
  #writes: Promise<void> = Promise.resolve();

  constructor(options: { store: KeyValueStore | undefined; key: string; size: number; logger: Logger }) {
    this.#store = options.store;
    this.#key = options.key;
    this.#logger = options.logger;
    this.#size = options.size;
    this.#ids = new RecentKeys(options.size);
  }

  /** Loads the remembered ids from the store; a missing or unreadable entry starts empty. */
  async load(): Promise<void> {
    if (!this.#store) return;
    try {
      const saved = await this.#store.get<unknown>(this.#key);
      const ids = Array.isArray(saved) ? saved.filter((id): id is string => typeof id === "string") : [];
      this.#ids = new RecentKeys(this.#size, ids);
    } catch (error) {
      this.#logger.warn("Could not load the Slack event dedupe window; starting empty", {
        reason: error instanceof Error ? error.message : String(error),
      });
    }
  }

  /** Takes `eventId` for processing; false when it was seen before (a retry or a duplicate). */
  claim(eventId: string): boolean {
    return this.#ids.add(eventId);
  }

  /** Forgets `eventId` (its processing failed), so a redelivery is processed. */
  release(eventId: string): void {
    this.#ids.delete(eventId);
  }

  /** Writes the window to the store (serialised); failures are logged, dedupe stays in memory. */
  persist(): Promise<void> {
    const store = this.#store;
    if (!store) return Promise.resolve();
    this.#writes = this.#writes.then(async () => {
      try {
        await store.set(this.#key, this.#ids.toJSON());
      } catch (error) {
        this.#logger.warn("Could not persist the Slack event dedupe window", {
          reason: error instanceof Error ? error.message : String(error),
        });
      }
    });
    return this.#writes;
  }
}
