import { unlink } from "node:fs/promises";
import { join } from "node:path";
import { GatewayError, type KeyValueStore } from "@patchbay/core";
import { isNotFound, readJsonFile, writeJsonAtomic } from "../fs/index.js";
import { safeFileName } from "../fs/safe-name.js";

interface StoredValue {
  key: string;
  value: unknown;
}

/**
 * Core's `KeyValueStore` on disk: one JSON file per key (`<dir>/<safeFileName(key)>.json`, holding
 * `{ key, value }`), written atomically. Operations on the same key run one after another; a value
 * read once is served from memory afterwards, since this process is the only writer of its dir.
 */
export class FileKeyValueStore implements KeyValueStore {
  readonly dir: string;
  readonly #queues = new Map<string, Promise<unknown>>();
  /** JSON text of every value read or written, so callers never share mutable objects. */
  readonly #cache = new Map<string, string | undefined>();

  constructor(dir: string) {
    this.dir = dir;
  }

  /** The file that holds `key` (exposed for diagnostics and tests). */
  pathFor(key: string): string {
    return join(this.dir, `${safeFileName(key)}.json`);
  }

  get<T>(key: string): Promise<T | undefined> {
    return this.#serial(key, async () => {
      if (!this.#cache.has(key)) {
        const stored = await readJsonFile<StoredValue>(this.pathFor(key));
        // The key inside the file guards against the (astronomically unlikely) hash collision.
        const text = stored && stored.key === key ? JSON.stringify(stored.value) : undefined;
        this.#cache.set(key, text);
      }
      const text = this.#cache.get(key);
      return text === undefined ? undefined : (JSON.parse(text) as T);
    });
  }

  /** Stores a JSON value; `undefined` deletes the key (JSON has no undefined). */
  set<T>(key: string, value: T): Promise<void> {
    if (value === undefined) return this.delete(key);
    const text = JSON.stringify(value);
    if (text === undefined) {
      return Promise.reject(new GatewayError("STATE_ERROR", `Value for state key is not JSON-serialisable`));
    }
    return this.#serial(key, async () => {
      await writeJsonAtomic(this.pathFor(key), { key, value: JSON.parse(text) as unknown });
      this.#cache.set(key, text);
    });
  }

  delete(key: string): Promise<void> {
    return this.#serial(key, async () => {
      try {
        await unlink(this.pathFor(key));
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
      this.#cache.set(key, undefined);
    });
  }

  #serial<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.#queues.get(key) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const settled = run.catch(() => {});
    this.#queues.set(key, settled);
    void settled.then(() => {
      if (this.#queues.get(key) === settled) this.#queues.delete(key);
    });
    return run;
  }
}

/** The gateway's store for adapters and stores: `<stateDir>/state/kv/`. */
export function openFileKeyValueStore(stateDir: string): FileKeyValueStore {
  return new FileKeyValueStore(join(stateDir, "state", "kv"));
}

/**
 * A view of `store` where every key is prefixed with `<prefix>:`, so each account can use plain
 * keys such as `offset` without colliding with another account.
 */
export function prefixedStore(store: KeyValueStore, prefix: string): KeyValueStore {
  const full = (key: string) => `${prefix}:${key}`;
  return {
    get: (key) => store.get(full(key)),
    set: (key, value) => store.set(full(key), value),
    delete: (key) => store.delete(full(key)),
  };
}
