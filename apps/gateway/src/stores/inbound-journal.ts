import { join } from "node:path";
import { GatewayError, type InboundEnvelope, type Logger, silentLogger } from "@patchbay/core";
import { JsonlWriter, readJsonl, writeFileAtomic } from "../fs/index.js";

/** What became of an inbound message. */
export type JournalOutcome =
  | { status: "replied" }
  | { status: "dropped"; reason: string }
  | { status: "failed"; reason: string };

/** The envelope as journaled: everything but the platform payload. */
export type JournaledEnvelope = Omit<InboundEnvelope, "raw">;

/** A message received but not finished before the last stop or crash; the pipeline replays it. */
export interface PendingInbound {
  key: string;
  envelope: JournaledEnvelope;
  receivedAt: number;
  /** Reply parts already delivered (part id → platform message ids); a replay skips these. */
  sent: Record<string, string[]>;
  /** How many starts found this entry still pending (a message that keeps crashing us can be given up). */
  replays: number;
}

export interface InboundJournalOptions {
  /** The gateway state dir; the log lives at `<stateDir>/state/inbound-journal.jsonl`. */
  stateDir: string;
  /** Finished entries kept for dedupe (newest first). Default 10,000. */
  maxEntries?: number;
  /** Finished entries older than this are forgotten. Default 7 days. */
  retentionMs?: number;
  /** Compact once at least this many records were appended since the last compaction. Default 5,000. */
  compactEvery?: number;
  /** fsync each write batch (default true). Only tests should turn this off. */
  fsync?: boolean;
  now?: () => number;
  logger?: Logger;
}

type JournalRecord =
  | { t: "recv"; key: string; at: number; envelope: JournaledEnvelope }
  | { t: "sent"; key: string; part: string; ids: string[] }
  | { t: "done"; key: string; at: number; outcome: JournalOutcome }
  | { t: "replay"; key: string }
  | ({ t: "entry" } & EntrySnapshot);

interface EntrySnapshot {
  key: string;
  state: "received" | "done";
  receivedAt: number;
  doneAt?: number;
  outcome?: JournalOutcome;
  envelope?: JournaledEnvelope;
  sent?: Record<string, string[]>;
  replays?: number;
}

interface Entry extends EntrySnapshot {
  sent: Record<string, string[]>;
  replays: number;
  /** Resolves true once the `recv` record is on disk, false if writing it failed. */
  written: Promise<boolean>;
}

const DAY_MS = 86_400_000;
const WRITTEN = Promise.resolve(true);

/** The dedupe key of an envelope: `(channel, accountId, id)`, each part URI-encoded. */
export function journalKey(envelope: Pick<InboundEnvelope, "channel" | "accountId" | "id">): string {
  return [envelope.channel, envelope.accountId, envelope.id].map(encodeURIComponent).join("/");
}

/**
 * The inbound journal (pipeline step 1): an append-only log of every accepted envelope and what
 * became of it, compacted now and then into one snapshot record per live entry.
 *
 * Contract with the pipeline:
 * - `accept(envelope)` resolves only once the envelope is on disk; the adapter acks or advances
 *   its offset after that. A redelivery of the same `(channel, accountId, id)` is `"duplicate"`.
 * - `markSent(key, part, ids)` after each reply part is delivered, `markDone(key, outcome)` when
 *   the message is finished (replied, dropped with a reason, or failed).
 * - After a crash, `pending()` lists what was received but not done, with the parts already sent,
 *   so the replay answers each message once. A crash between a platform send and its `markSent`
 *   can still repeat that one part (at-least-once per part; no platform offers better).
 */
export class InboundJournal {
  readonly path: string;
  readonly #writer: JsonlWriter;
  readonly #entries = new Map<string, Entry>();
  readonly #maxEntries: number;
  readonly #retentionMs: number;
  readonly #compactEvery: number;
  readonly #now: () => number;
  readonly #logger: Logger;
  #doneCount = 0;
  #appended = 0;
  #compacting: Promise<void> | undefined;

  private constructor(options: InboundJournalOptions) {
    this.path = join(options.stateDir, "state", "inbound-journal.jsonl");
    this.#writer = new JsonlWriter(this.path, { fsync: options.fsync ?? true });
    this.#maxEntries = Math.max(1, options.maxEntries ?? 10_000);
    this.#retentionMs = options.retentionMs ?? 7 * DAY_MS;
    this.#compactEvery = Math.max(1, options.compactEvery ?? 5_000);
    this.#now = options.now ?? Date.now;
    this.#logger = options.logger ?? silentLogger;
  }

  /** Opens (or creates) the journal, replaying the log; counts one more replay for each pending entry. */
  static async open(options: InboundJournalOptions): Promise<InboundJournal> {
    const journal = new InboundJournal(options);
    await journal.#load();
    return journal;
  }

  /**
   * Records `envelope` durably before the caller acknowledges it. Returns `"duplicate"` for an
   * id already seen (finished, pending, or being written right now). Throws `STATE_ERROR` when the
   * record cannot be written: the caller must then NOT ack, so the platform redelivers.
   */
  async accept(envelope: InboundEnvelope): Promise<"new" | "duplicate"> {
    const key = journalKey(envelope);
    const existing = this.#entries.get(key);
    if (existing) {
      // A concurrent twin is a duplicate only once the first copy is safely on disk.
      if (await existing.written) return "duplicate";
      return this.accept(envelope);
    }
    const { raw: _raw, ...journaled } = envelope;
    const at = this.#now();
    let settle: (ok: boolean) => void = () => {};
    const entry: Entry = {
      key,
      state: "received",
      receivedAt: at,
      envelope: journaled,
      sent: {},
      replays: 0,
      written: new Promise<boolean>((resolve) => {
        settle = resolve;
      }),
    };
    this.#entries.set(key, entry);
    try {
      await this.#append({ t: "recv", key, at, envelope: journaled });
    } catch (error) {
      if (this.#entries.get(key) === entry) this.#entries.delete(key);
      settle(false);
      throw new GatewayError("STATE_ERROR", "Cannot write the inbound journal", {
        cause: error,
        channel: envelope.channel,
        accountId: envelope.accountId,
      });
    }
    settle(true);
    return "new";
  }

  /**
   * Records that reply part `part` (any stable id the pipeline chooses, e.g. `<agentId>:<chunk>`)
   * was delivered. Ignored for unknown or finished entries.
   */
  async markSent(key: string, part: string, ids: string[] = []): Promise<void> {
    const entry = this.#entries.get(key);
    if (!entry || entry.state !== "received") return;
    entry.sent[part] = [...ids];
    await this.#appendOrThrow({ t: "sent", key, part, ids: [...ids] });
  }

  /** Finishes an entry. Idempotent; unknown keys are ignored (returns false). */
  async markDone(key: string, outcome: JournalOutcome): Promise<boolean> {
    const entry = this.#entries.get(key);
    if (!entry || entry.state === "done") return false;
    const at = this.#now();
    this.#finish(entry, at, outcome);
    await this.#appendOrThrow({ t: "done", key, at, outcome });
    if (this.#doneCount > this.#maxEntries + Math.ceil(this.#maxEntries / 10)) this.#prune();
    return true;
  }

  /** Entries received but not finished, oldest first. */
  pending(): PendingInbound[] {
    const out: PendingInbound[] = [];
    for (const entry of this.#entries.values()) {
      if (entry.state !== "received" || !entry.envelope) continue;
      out.push({
        key: entry.key,
        envelope: entry.envelope,
        receivedAt: entry.receivedAt,
        sent: { ...entry.sent },
        replays: entry.replays,
      });
    }
    return out;
  }

  /** The state of one key, or undefined when never seen (or forgotten after the window). */
  status(key: string): { state: "received" | "done"; outcome?: JournalOutcome } | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    return entry.outcome ? { state: entry.state, outcome: entry.outcome } : { state: entry.state };
  }

  /** Counts for metrics. */
  stats(): { pending: number; done: number; recordsSinceCompaction: number } {
    return {
      pending: this.#entries.size - this.#doneCount,
      done: this.#doneCount,
      recordsSinceCompaction: this.#appended,
    };
  }

  /** Rewrites the log as one record per live entry, dropping entries outside the window. */
  compact(): Promise<void> {
    if (!this.#compacting) {
      this.#compacting = this.#writer
        .exclusive(async () => {
          this.#prune();
          const lines = [...this.#entries.values()].map((entry) => JSON.stringify(snapshotRecord(entry)));
          await writeFileAtomic(this.path, lines.length === 0 ? "" : `${lines.join("\n")}\n`);
          this.#appended = 0;
        })
        .finally(() => {
          this.#compacting = undefined;
        });
    }
    return this.#compacting;
  }

  /** Waits for pending writes and closes the file. */
  async close(): Promise<void> {
    await this.#compacting?.catch(() => {});
    await this.#writer.close();
  }

  async #load(): Promise<void> {
    const { records, corrupt } = await readJsonl<JournalRecord>(this.path);
    if (corrupt > 0) {
      this.#logger.warn("inbound journal had unreadable lines (torn write after a crash?)", { corrupt });
    }
    for (const record of records) this.#apply(record);
    this.#appended = records.length;
    this.#prune();
    const pending = [...this.#entries.values()].filter((e) => e.state === "received");
    for (const entry of pending) entry.replays++;
    await Promise.all(pending.map((entry) => this.#append({ t: "replay", key: entry.key })));
    if (pending.length > 0)
      this.#logger.info("inbound journal has messages to replay", { count: pending.length });
    if (corrupt > 0 || this.#appended >= this.#threshold()) await this.compact();
  }

  #apply(record: JournalRecord): void {
    if (typeof record !== "object" || record === null || typeof record.key !== "string") return;
    const entry = this.#entries.get(record.key);
    switch (record.t) {
      case "recv":
        if (!entry) {
          this.#entries.set(record.key, {
            key: record.key,
            state: "received",
            receivedAt: record.at,
            envelope: record.envelope,
            sent: {},
            replays: 0,
            written: WRITTEN,
          });
        }
        return;
      case "sent":
        if (entry?.state === "received") entry.sent[record.part] = record.ids;
        return;
      case "done":
        if (entry && entry.state !== "done") this.#finish(entry, record.at, record.outcome);
        return;
      case "replay":
        if (entry?.state === "received") entry.replays++;
        return;
      case "entry": {
        const old = this.#entries.get(record.key);
        if (old?.state === "done") this.#doneCount--;
        this.#entries.delete(record.key);
        const { t: _t, ...snapshot } = record;
        this.#entries.set(record.key, {
          ...snapshot,
          sent: snapshot.sent ?? {},
          replays: snapshot.replays ?? 0,
          written: WRITTEN,
        });
        if (snapshot.state === "done") this.#doneCount++;
        return;
      }
      default:
        return;
    }
  }

  #finish(entry: Entry, at: number, outcome: JournalOutcome): void {
    entry.state = "done";
    entry.doneAt = at;
    entry.outcome = outcome;
    // A finished entry only serves dedupe; drop the bulky parts.
    delete entry.envelope;
    entry.sent = {};
    this.#doneCount++;
  }

  /** Forgets finished entries beyond the window (oldest received first). Pending ones stay. */
  #prune(): void {
    const cutoff = this.#now() - this.#retentionMs;
    let excess = this.#doneCount - this.#maxEntries;
    for (const entry of this.#entries.values()) {
      if (entry.state !== "done") continue;
      if (excess > 0 || (entry.doneAt ?? 0) < cutoff) {
        this.#entries.delete(entry.key);
        this.#doneCount--;
        excess--;
      }
    }
  }

  #threshold(): number {
    return Math.max(this.#compactEvery, this.#entries.size * 2);
  }

  async #append(record: JournalRecord): Promise<void> {
    await this.#writer.append(record);
    this.#appended++;
    if (this.#appended >= this.#threshold() && !this.#compacting) {
      this.compact().catch((error: unknown) => {
        this.#logger.error("inbound journal compaction failed", { error: String(error) });
      });
    }
  }

  async #appendOrThrow(record: JournalRecord): Promise<void> {
    try {
      await this.#append(record);
    } catch (error) {
      throw new GatewayError("STATE_ERROR", "Cannot write the inbound journal", { cause: error });
    }
  }
}

function snapshotRecord(entry: Entry): JournalRecord {
  const { written: _written, ...snapshot } = entry;
  return { t: "entry", ...snapshot };
}

/** Opens the inbound journal in `<stateDir>/state/`. */
export function openInboundJournal(options: InboundJournalOptions): Promise<InboundJournal> {
  return InboundJournal.open(options);
}
