import { type FileHandle, open, readFile } from "node:fs/promises";
import { dirname } from "node:path";
import { ensureDir, FILE_MODE, isNotFound } from "./atomic-write.js";

export interface JsonlWriterOptions {
  /** fsync after each batch, so a resolved `append` survives a power cut. Default true. */
  fsync?: boolean;
}

interface Pending {
  line: string;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * An append-only JSON Lines file. Appends are serialised and group-committed: everything appended
 * while a write is in flight goes out in the next single write (+ fsync), so durability costs one
 * fsync per batch, not per record. `append` resolves once its line is on disk.
 */
export class JsonlWriter {
  readonly path: string;
  readonly #fsync: boolean;
  #handle: FileHandle | undefined;
  #batch: Pending[] = [];
  #scheduled = false;
  #tail: Promise<void> = Promise.resolve();

  constructor(path: string, options: JsonlWriterOptions = {}) {
    this.path = path;
    this.#fsync = options.fsync ?? true;
  }

  /** Appends one JSON value as a line. */
  append(value: unknown): Promise<void> {
    const line = `${JSON.stringify(value)}\n`;
    return new Promise<void>((resolve, reject) => {
      this.#batch.push({ line, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        this.#tail = this.#tail.then(() => this.#flush());
      }
    });
  }

  /** Resolves when every append made so far has been written. */
  flushed(): Promise<void> {
    return this.#tail;
  }

  /**
   * Runs `fn` with the file closed and no write in flight (e.g. to replace the file during
   * compaction); appends made meanwhile wait and go to the file as it is afterwards.
   */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(async () => {
      await this.#closeHandle();
      return fn();
    });
    this.#tail = run.then(
      () => {},
      () => {},
    );
    return run;
  }

  /** Waits for pending appends, then closes the file. Later appends reopen it. */
  close(): Promise<void> {
    return this.exclusive(async () => {});
  }

  async #flush(): Promise<void> {
    this.#scheduled = false;
    const batch = this.#batch;
    this.#batch = [];
    try {
      const handle = await this.#open();
      await handle.write(batch.map((p) => p.line).join(""));
      if (this.#fsync) await handle.sync();
      for (const p of batch) p.resolve();
    } catch (error) {
      // The handle may be in an unknown state; reopen on the next write.
      await this.#closeHandle().catch(() => {});
      for (const p of batch) p.reject(error);
    }
  }

  async #open(): Promise<FileHandle> {
    if (this.#handle) return this.#handle;
    await ensureDir(dirname(this.path));
    const handle = await open(this.path, "a+", FILE_MODE);
    try {
      // A crash mid-write leaves a torn last line; end it so the next record starts clean.
      const { size } = await handle.stat();
      if (size > 0) {
        const last = Buffer.alloc(1);
        await handle.read(last, 0, 1, size - 1);
        if (last[0] !== 0x0a) await handle.write("\n");
      }
    } catch (error) {
      await handle.close();
      throw error;
    }
    this.#handle = handle;
    return handle;
  }

  async #closeHandle(): Promise<void> {
    const handle = this.#handle;
    this.#handle = undefined;
    if (handle) await handle.close();
  }
}

export interface JsonlReadResult<T> {
  records: T[];
  /** Lines that were not valid JSON (a torn write after a crash); they are skipped. */
  corrupt: number;
}

/** Reads every record of a JSON Lines file; a missing file reads as empty. */
export async function readJsonl<T = unknown>(path: string): Promise<JsonlReadResult<T>> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if (isNotFound(error)) return { records: [], corrupt: 0 };
    throw error;
  }
  return parseLines<T>(text.split("\n"));
}

const TAIL_CHUNK = 64 * 1024;

/**
 * Reads the last `limit` records without loading the whole file: reads backwards in chunks until
 * enough complete lines are found. A missing file reads as empty.
 */
export async function readJsonlTail<T = unknown>(path: string, limit: number): Promise<JsonlReadResult<T>> {
  if (limit <= 0) return { records: [], corrupt: 0 };
  let handle: FileHandle;
  try {
    handle = await open(path, "r");
  } catch (error) {
    if (isNotFound(error)) return { records: [], corrupt: 0 };
    throw error;
  }
  try {
    const { size } = await handle.stat();
    let position = size;
    let buffer = Buffer.alloc(0);
    let lines = 0;
    while (position > 0 && lines <= limit) {
      const length = Math.min(TAIL_CHUNK, position);
      position -= length;
      const chunk = Buffer.alloc(length);
      await handle.read(chunk, 0, length, position);
      buffer = Buffer.concat([chunk, buffer]);
      lines = countNewlines(buffer);
    }
    const all = buffer.toString("utf8").split("\n");
    // Unless we reached the file start, the first piece may be a partial line.
    if (position > 0) all.shift();
    const parsed = parseLines<T>(all);
    return { records: parsed.records.slice(-limit), corrupt: parsed.corrupt };
  } finally {
    await handle.close();
  }
}

function countNewlines(buffer: Buffer): number {
  let count = 0;
  for (let i = buffer.indexOf(0x0a); i !== -1; i = buffer.indexOf(0x0a, i + 1)) count++;
  return count;
}

function parseLines<T>(lines: string[]): JsonlReadResult<T> {
  const records: T[] = [];
  let corrupt = 0;
  for (const line of lines) {
    if (line.trim() === "") continue;
    try {
      records.push(JSON.parse(line) as T);
    } catch {
      corrupt++;
    }
  }
  return { records, corrupt };
}
