import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { GatewayError, type Logger, type Peer, silentLogger } from "@patchbay/core";
import { JsonlWriter, readJsonFile, readJsonlTail, writeJsonAtomic } from "../fs/index.js";
import { isSafeFileName, safeFileName } from "../fs/safe-name.js";

/** One line of a session transcript. */
export interface TranscriptEntry {
  role: "user" | "assistant" | "system";
  text: string;
  /** Milliseconds since the epoch. */
  at: number;
  /** Platform message id (inbound) or first sent id (outbound). */
  messageId?: string;
  sender?: { id: string; name?: string };
  /** Free-form extras (matchedBy, runtime, latency, …); must be JSON. */
  meta?: Record<string, unknown>;
}

/** Where the last message of a session came from, so a reply or a cron can find its way back. */
export interface SessionRoute {
  channel: string;
  accountId: string;
  peer: Peer;
  threadId?: string;
}

/** One entry of `sessions.json` (in the spirit of OpenClaw's session index). */
export interface SessionIndexEntry {
  sessionId: string;
  /** Transcript file name, relative to the sessions dir. */
  file: string;
  createdAt: number;
  updatedAt: number;
  channel?: string;
  lastRoute?: SessionRoute;
  /** Lines appended to the current transcript. */
  messages: number;
}

export interface SessionStoreOptions {
  stateDir: string;
  /** Normalised agent id (`[a-z0-9_-]`, up to 64); anything else is refused. */
  agentId: string;
  /** fsync transcript appends (default false: the inbound journal is the durable record). */
  fsync?: boolean;
  /** How long `updatedAt` changes may sit in memory before `sessions.json` is rewritten. Default 1000 ms. */
  indexFlushMs?: number;
  /** Transcript files kept open at once. Default 32. */
  maxOpenFiles?: number;
  now?: () => number;
  logger?: Logger;
}

/** A session key that belongs to another agent (or to no agent) was used with this agent's store. */
export class SessionScopeError extends GatewayError {
  readonly agentId: string;

  constructor(agentId: string) {
    super("STATE_ERROR", `Session key does not belong to agent "${agentId}"`);
    this.agentId = agentId;
  }
}

const AGENT_ID = /^[a-z0-9_][a-z0-9_-]{0,63}$/;

/**
 * One agent's sessions under `<stateDir>/agents/<agentId>/sessions/`: `sessions.json` (session
 * key → {@link SessionIndexEntry}) plus one append-only JSONL transcript per session. Every method
 * refuses keys outside `agent:<agentId>:`, so a store can never read another agent's sessions.
 * Open one store per agent per process (the gateway keeps them); two stores on the same dir would
 * overwrite each other's index.
 */
/** Transcript entries kept in memory per session, and sessions whose tails are kept. */
const TAIL_SIZE = 50;
const TAIL_SESSIONS = 1_000;

export class SessionStore {
  readonly agentId: string;
  readonly dir: string;
  readonly #indexPath: string;
  readonly #index: Map<string, SessionIndexEntry>;
  readonly #writers = new Map<string, JsonlWriter>();
  /** Writers evicted from the LRU that may still be flushing. */
  readonly #closing = new Map<string, Promise<void>>();
  readonly #fsync: boolean;
  readonly #flushMs: number;
  readonly #maxOpen: number;
  readonly #now: () => number;
  readonly #logger: Logger;
  #indexWrite: Promise<void> = Promise.resolve();
  /**
   * The last TAIL_SIZE entries of recently used transcripts (by file), so a turn's history costs no
   * disk read; bounded to TAIL_SESSIONS transcripts, least recently used dropped first.
   */
  readonly #tails = new Map<string, TranscriptEntry[]>();
  /** Appends so far per transcript file: a disk read that raced an append is not cached. */
  readonly #appends = new Map<string, number>();
  #queuedIndexWrite: Promise<void> | undefined;
  #flushTimer: NodeJS.Timeout | undefined;
  #closed = false;

  private constructor(options: SessionStoreOptions, dir: string, index: Map<string, SessionIndexEntry>) {
    this.agentId = options.agentId;
    this.dir = dir;
    this.#indexPath = join(dir, "sessions.json");
    this.#index = index;
    this.#fsync = options.fsync ?? false;
    this.#flushMs = options.indexFlushMs ?? 1000;
    this.#maxOpen = Math.max(1, options.maxOpenFiles ?? 32);
    this.#now = options.now ?? Date.now;
    this.#logger = options.logger ?? silentLogger;
  }

  static async open(options: SessionStoreOptions): Promise<SessionStore> {
    if (!AGENT_ID.test(options.agentId)) {
      throw new GatewayError(
        "STATE_ERROR",
        `Invalid agent id for a session store: ${JSON.stringify(options.agentId)}`,
      );
    }
    const logger = options.logger ?? silentLogger;
    const dir = join(options.stateDir, "agents", options.agentId, "sessions");
    const raw = await readJsonFile<unknown>(join(dir, "sessions.json"));
    const index = new Map<string, SessionIndexEntry>();
    const prefix = `agent:${options.agentId}:`;
    if (raw !== undefined && (typeof raw !== "object" || raw === null || Array.isArray(raw))) {
      throw new GatewayError("STATE_ERROR", `${join(dir, "sessions.json")} is not a session index`);
    }
    for (const [key, value] of Object.entries((raw ?? {}) as Record<string, unknown>)) {
      // Never follow an index entry out of this folder or into another agent's keys.
      if (!isIndexEntry(value) || !isSafeFileName(value.file) || !key.toLowerCase().startsWith(prefix)) {
        logger.warn("ignoring a bad session index entry", { agentId: options.agentId });
        continue;
      }
      index.set(key, value);
    }
    return new SessionStore(options, dir, index);
  }

  /** Appends one entry to the session's transcript, creating the session on first use. */
  async append(sessionKey: string, entry: TranscriptEntry, route?: SessionRoute): Promise<void> {
    this.#assertOwn(sessionKey);
    this.#assertOpen();
    // Everything up to writer.append is synchronous, so lines land in call order.
    let session = this.#index.get(sessionKey);
    let created: Promise<void> | undefined;
    if (!session) {
      session = this.#create(sessionKey, route);
      created = this.#writeIndex();
    }
    const writer = this.#writer(session.file);
    // A new session's index entry is on disk before its first line, so no transcript is orphaned.
    if (created) void writer.exclusive(() => created.catch(() => {}));
    const written = writer.append(entry);
    this.#appends.set(session.file, (this.#appends.get(session.file) ?? 0) + 1);
    this.#remember(session.file, created ? [] : undefined, entry);
    session.messages++;
    session.updatedAt = this.#now();
    if (route) {
      session.lastRoute = route;
      session.channel = route.channel;
    }
    await Promise.all([created, written]);
    this.#scheduleIndexWrite();
  }

  /** The last `limit` entries (default 50) of the session's current transcript, oldest first. */
  async history(sessionKey: string, options: { limit?: number } = {}): Promise<TranscriptEntry[]> {
    this.#assertOwn(sessionKey);
    const session = this.#index.get(sessionKey);
    if (!session) return [];
    const limit = options.limit ?? 50;
    const tail = this.#tails.get(session.file);
    if (tail && limit <= TAIL_SIZE) {
      this.#touch(session.file, tail);
      return structuredClone(tail.slice(-limit));
    }
    const appendsBefore = this.#appends.get(session.file) ?? 0;
    await this.#writers.get(session.file)?.flushed();
    const { records, corrupt } = await readJsonlTail<TranscriptEntry>(
      join(this.dir, session.file),
      Math.max(limit, TAIL_SIZE),
    );
    if (corrupt > 0) this.#logger.warn("transcript has unreadable lines", { agentId: this.agentId, corrupt });
    // Cache what was read only if no append raced the read (it might be missing from `records`).
    const raced = (this.#appends.get(session.file) ?? 0) !== appendsBefore;
    if (!raced && !this.#tails.has(session.file)) this.#touch(session.file, records.slice(-TAIL_SIZE));
    return records.slice(-limit);
  }

  /** Adds `entry` to the cached tail of `file`; `fresh` starts the tail of a new, empty transcript. */
  #remember(file: string, fresh: TranscriptEntry[] | undefined, entry: TranscriptEntry): void {
    const tail = fresh ?? this.#tails.get(file);
    if (!tail) return;
    tail.push(structuredClone(entry));
    if (tail.length > TAIL_SIZE) tail.splice(0, tail.length - TAIL_SIZE);
    this.#touch(file, tail);
  }

  #touch(file: string, tail: TranscriptEntry[]): void {
    this.#tails.delete(file);
    this.#tails.set(file, tail);
    if (this.#tails.size > TAIL_SESSIONS) {
      const oldest = this.#tails.keys().next().value;
      if (oldest !== undefined) this.#tails.delete(oldest);
    }
  }

  /** The index entry of one session. */
  get(sessionKey: string): SessionIndexEntry | undefined {
    this.#assertOwn(sessionKey);
    const entry = this.#index.get(sessionKey);
    return entry ? structuredClone(entry) : undefined;
  }

  /** Every session of this agent. */
  list(): Array<{ sessionKey: string } & SessionIndexEntry> {
    return [...this.#index].map(([sessionKey, entry]) => ({ sessionKey, ...structuredClone(entry) }));
  }

  /**
   * Starts a fresh session for `sessionKey` (new id and transcript file); the old transcript stays
   * on disk. Returns the new entry, or undefined when the key had no session.
   */
  async reset(sessionKey: string): Promise<SessionIndexEntry | undefined> {
    this.#assertOwn(sessionKey);
    const old = this.#index.get(sessionKey);
    if (!old) return undefined;
    const fresh = this.#create(sessionKey, old.lastRoute);
    await this.#writeIndex();
    return structuredClone(fresh);
  }

  /** Writes `sessions.json` now if anything changed. */
  flush(): Promise<void> {
    if (this.#flushTimer) {
      clearTimeout(this.#flushTimer);
      this.#flushTimer = undefined;
      return this.#writeIndex();
    }
    return this.#indexWrite;
  }

  /** Flushes the index and closes every transcript file. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
    await Promise.all([...this.#writers.values()].map((w) => w.close()));
    await Promise.all(this.#closing.values());
    this.#writers.clear();
  }

  #assertOwn(sessionKey: string): void {
    const prefix = `agent:${this.agentId}:`;
    if (sessionKey.length <= prefix.length || !sessionKey.toLowerCase().startsWith(prefix)) {
      throw new SessionScopeError(this.agentId);
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new GatewayError("STATE_ERROR", "Session store is closed");
  }

  #create(sessionKey: string, route: SessionRoute | undefined): SessionIndexEntry {
    const sessionId = randomUUID();
    const now = this.#now();
    const entry: SessionIndexEntry = {
      sessionId,
      file: `${safeFileName(sessionKey)}.${sessionId}.jsonl`,
      createdAt: now,
      updatedAt: now,
      messages: 0,
      ...(route ? { channel: route.channel, lastRoute: route } : {}),
    };
    this.#index.set(sessionKey, entry);
    return entry;
  }

  #writer(file: string): JsonlWriter {
    let writer = this.#writers.get(file);
    if (writer) {
      // Map order doubles as LRU order.
      this.#writers.delete(file);
      this.#writers.set(file, writer);
      return writer;
    }
    writer = new JsonlWriter(join(this.dir, file), { fsync: this.#fsync });
    // If this file's previous writer is still flushing, let it finish first so lines stay in order.
    const closing = this.#closing.get(file);
    if (closing) void writer.exclusive(() => closing);
    this.#writers.set(file, writer);
    while (this.#writers.size > this.#maxOpen) {
      const [oldestFile, oldest] = this.#writers.entries().next().value as [string, JsonlWriter];
      this.#writers.delete(oldestFile);
      const done = oldest.close().catch((error: unknown) => {
        this.#logger.warn("closing a transcript failed", { agentId: this.agentId, error: String(error) });
      });
      this.#closing.set(oldestFile, done);
      void done.then(() => {
        if (this.#closing.get(oldestFile) === done) this.#closing.delete(oldestFile);
      });
    }
    return writer;
  }

  #scheduleIndexWrite(): void {
    if (this.#flushTimer) return;
    this.#flushTimer = setTimeout(() => {
      this.#flushTimer = undefined;
      this.#writeIndex().catch((error: unknown) => {
        this.#logger.error("writing sessions.json failed", { agentId: this.agentId, error: String(error) });
      });
    }, this.#flushMs);
    this.#flushTimer.unref();
  }

  /**
   * Writes sessions.json after any write in flight. Calls made while a write is already queued
   * (not yet started) share it: it snapshots the index when it starts, so it carries their changes
   * too, and N new sessions cost two writes instead of N.
   */
  #writeIndex(): Promise<void> {
    if (this.#queuedIndexWrite) return this.#queuedIndexWrite;
    const run = this.#indexWrite.then(() => {
      this.#queuedIndexWrite = undefined;
      return writeJsonAtomic(this.#indexPath, Object.fromEntries(this.#index));
    });
    this.#queuedIndexWrite = run;
    this.#indexWrite = run.catch(() => {});
    return run;
  }
}

function isIndexEntry(value: unknown): value is SessionIndexEntry {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.sessionId === "string" &&
    typeof v.file === "string" &&
    typeof v.updatedAt === "number" &&
    typeof v.createdAt === "number" &&
    typeof v.messages === "number"
  );
}

/** Opens `agentId`'s session store under `<stateDir>/agents/<agentId>/sessions/`. */
export function openSessionStore(options: SessionStoreOptions): Promise<SessionStore> {
  return SessionStore.open(options);
}
