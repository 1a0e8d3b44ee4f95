import type { GroupMetadata } from "./client.js";

/**
 * Group metadata (participants, addressing mode) for Baileys' `cachedGroupMetadata`, so replying in
 * a group does not fetch the group each time. Entries expire after `ttlMs` and are dropped when
 * WhatsApp reports a change to the group.
 */
export class GroupMetadataCache {
  readonly #entries = new Map<string, { metadata: GroupMetadata; at: number }>();
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(ttlMs: number, now: () => number) {
    this.#ttlMs = ttlMs;
    this.#now = now;
  }

  get(jid: string): GroupMetadata | undefined {
    const entry = this.#entries.get(jid);
    if (!entry) return undefined;
    if (this.#now() - entry.at > this.#ttlMs) {
      this.#entries.delete(jid);
      return undefined;
    }
    return entry.metadata;
  }

  set(jid: string, metadata: GroupMetadata): void {
    this.#entries.set(jid, { metadata, at: this.#now() });
  }

  invalidate(jid: string): void {
    this.#entries.delete(jid);
  }

  /** The cached metadata, fetching (once) when missing or stale. */
  async ensure(jid: string, fetch: (jid: string) => Promise<GroupMetadata>): Promise<GroupMetadata> {
    const cached = this.get(jid);
    if (cached) return cached;
    const metadata = await fetch(jid);
    this.set(jid, metadata);
    return metadata;
  }
}
