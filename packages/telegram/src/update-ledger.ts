import { DedupeWindow, GatewayError, type KeyValueStore, type Logger } from "@patchbay/core";

/** What survives a restart, under one key so it is written atomically. */
interface LedgerRecord {
  v: 1;
  /** Update ids belong to one bot; a token for another bot starts a fresh ledger. */
  botId: number;
  /** The next getUpdates offset: last processed update_id + 1 (0 = none yet). */
  offset: number;
  /** Recently processed update ids, oldest first. */
  seen: string[];
}

/**
 * The getUpdates offset and a window of processed update ids, persisted through the gateway's
 * KeyValueStore. An update is committed only after the sink has accepted it (or it was dropped
 * on purpose), and the poll loop flushes before asking Telegram for more, so an acknowledgment
 * never runs ahead of what is on disk: a restart never processes an update twice.
 *
 * Only the window decides what is a duplicate. Update ids are not compared with the offset:
 * Telegram restarts its numbering at a random value after a week without updates, and webhook
 * deliveries may arrive out of order.
 */
export class UpdateLedger {
  readonly #store: KeyValueStore;
  readonly #key: string;
  readonly #botId: number;
  readonly #seen: DedupeWindow;
  #offset: number;
  #dirty = false;
  #writing: Promise<void> = Promise.resolve();

  private constructor(store: KeyValueStore, key: string, botId: number, seen: DedupeWindow, offset: number) {
    this.#store = store;
    this.#key = key;
    this.#botId = botId;
    this.#seen = seen;
    this.#offset = offset;
  }

  /** The state key of an account; the gateway's store encodes keys before they touch the disk. */
  static keyFor(accountId: string): string {
    return `telegram:${accountId}:updates`;
  }

  static async load(
    store: KeyValueStore,
    options: { accountId: string; botId: number; windowSize: number; logger: Logger },
  ): Promise<UpdateLedger> {
    const key = UpdateLedger.keyFor(options.accountId);
    let record: Partial<LedgerRecord> | undefined;
    try {
      record = await store.get<Partial<LedgerRecord>>(key);
    } catch (error) {
      throw new GatewayError(
        "STATE_ERROR",
        `cannot read the Telegram update ledger of account "${options.accountId}"`,
        {
          cause: error,
          channel: "telegram",
          accountId: options.accountId,
        },
      );
    }
    if (record && record.botId !== options.botId) {
      options.logger.info("update ledger belongs to another bot; starting fresh", {
        storedBotId: record.botId,
      });
      record = undefined;
    }
    const offset = typeof record?.offset === "number" && record.offset >= 0 ? record.offset : 0;
    return new UpdateLedger(
      store,
      key,
      options.botId,
      DedupeWindow.from(record?.seen, options.windowSize),
      offset,
    );
  }

  get offset(): number {
    return this.#offset;
  }

  has(updateId: number): boolean {
    return this.#seen.has(String(updateId));
  }

  /** Records `updateId` as processed, in memory; `flush()` persists it. */
  record(updateId: number): void {
    this.#seen.add(String(updateId));
    this.#offset = updateId + 1;
    this.#dirty = true;
  }

  /** Records `updateId` as processed and persists it. */
  async commit(updateId: number): Promise<void> {
    this.record(updateId);
    await this.flush();
  }

  /** Writes pending changes (a no-op when clean). Writes are serialised, so the last one wins. */
  flush(): Promise<void> {
    if (!this.#dirty) return this.#writing;
    this.#dirty = false;
    const record: LedgerRecord = {
      v: 1,
      botId: this.#botId,
      offset: this.#offset,
      seen: this.#seen.toJSON(),
    };
    const write = this.#writing.then(() => this.#store.set(this.#key, record));
    this.#writing = write.catch(() => undefined);
    return write.catch((error: unknown) => {
      this.#dirty = true;
      throw new GatewayError("STATE_ERROR", "cannot persist the Telegram update ledger", {
        cause: error,
        channel: "telegram",
      });
    });
  }
}
