/**
 * A small durable key-value seam for adapter state that must survive restarts (Telegram's
 * getUpdates offset, dedupe windows of platform ids). The gateway provides a file-backed store in
 * `<stateDir>/state/`; tests use the in-memory one. Values must be JSON-serialisable.
 */
export interface KeyValueStore {
  get<T>(key: string): Promise<T | undefined>;
  set<T>(key: string, value: T): Promise<void>;
  delete(key: string): Promise<void>;
}

export function createMemoryStore(initial: Record<string, unknown> = {}): KeyValueStore {
  const data = new Map<string, string>(Object.entries(initial).map(([k, v]) => [k, JSON.stringify(v)]));
  return {
    async get<T>(key: string) {
      const raw = data.get(key);
      return raw === undefined ? undefined : (JSON.parse(raw) as T);
    },
    async set<T>(key: string, value: T) {
      data.set(key, JSON.stringify(value));
    },
    async delete(key: string) {
      data.delete(key);
    },
  };
}

/**
 * Remembers the last `size` ids seen (insertion order), so a platform redelivery is recognised.
 * Pure and synchronous; persist it with `toJSON()` / `DedupeWindow.from()`.
 */
export class DedupeWindow {
  readonly #ids = new Set<string>();
  readonly #size: number;

  constructor(size = 1000, ids: Iterable<string> = []) {
    this.#size = Math.max(1, size);
    for (const id of ids) this.add(id);
  }

  static from(ids: unknown, size = 1000): DedupeWindow {
    return new DedupeWindow(size, Array.isArray(ids) ? ids.map(String) : []);
  }

  has(id: string): boolean {
    return this.#ids.has(id);
  }

  /** Adds `id`; returns false when it was already there (a duplicate). */
  add(id: string): boolean {
    if (this.#ids.has(id)) return false;
    this.#ids.add(id);
    if (this.#ids.size > this.#size) {
      const oldest = this.#ids.values().next().value;
      if (oldest !== undefined) this.#ids.delete(oldest);
    }
    return true;
  }

  toJSON(): string[] {
    return [...this.#ids];
  }
}
