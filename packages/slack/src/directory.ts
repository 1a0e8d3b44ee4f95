import type { Logger, PeerKind } from "@patchbay/core";
import type { SlackApi } from "./api.js";
import { slackErrorCode } from "./errors.js";

const NAME_TTL_MS = 60 * 60_000;
const MISS_TTL_MS = 60_000;

/** A small LRU map: recently used entries survive, the oldest go beyond `size`. */
class Lru<V> {
  readonly #map = new Map<string, V>();
  readonly #size: number;

  constructor(size: number) {
    this.#size = size;
  }

  get(key: string): V | undefined {
    const value = this.#map.get(key);
    if (value !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, value);
    }
    return value;
  }

  set(key: string, value: V): void {
    this.#map.delete(key);
    this.#map.set(key, value);
    if (this.#map.size > this.#size) {
      const oldest = this.#map.keys().next().value;
      if (oldest !== undefined) this.#map.delete(oldest);
    }
  }
}

export interface SenderNames {
  name?: string | undefined;
  username?: string | undefined;
}

/**
 * Cached lookups the envelope needs: a conversation's kind when the event does not say it
 * (`app_mention` has no `channel_type`), senders' names, and the DM channel of each user (so a
 * reply to `{direct, U…}` goes to the conversation the user wrote in). Lookups never fail a message.
 */
export class SlackDirectory {
  readonly #api: SlackApi;
  readonly #logger: Logger;
  readonly #resolveNames: boolean;
  readonly #kinds = new Lru<PeerKind>(5_000);
  readonly #names = new Lru<{ names: SenderNames; until: number }>(2_000);
  readonly #now: () => number;
  readonly #dms = new Lru<string>(5_000);

  constructor(api: SlackApi, logger: Logger, options: { resolveUserNames: boolean; now?: () => number }) {
    this.#api = api;
    this.#now = options.now ?? Date.now;
    this.#logger = logger;
    this.#resolveNames = options.resolveUserNames;
  }

  /** Records what an event told us for free. */
  learn(channel: string, kind: PeerKind, userId?: string): void {
    this.#kinds.set(channel, kind);
    if (kind === "direct" && userId) this.#dms.set(userId, channel);
  }

  /** The DM conversation id of `userId`, when one has been seen. */
  dmChannelOf(userId: string): string | undefined {
    return this.#dms.get(userId);
  }

  async peerKind(channel: string): Promise<PeerKind> {
    const cached = this.#kinds.get(channel);
    if (cached) return cached;
    try {
      const info = await this.#api.conversationInfo(channel);
      const kind: PeerKind = info.isIm ? "direct" : info.isMpim ? "group" : "channel";
      this.#kinds.set(channel, kind);
      return kind;
    } catch (error) {
      // Fall back on the id's shape: D… is a DM; anything else is treated as a channel.
      const kind: PeerKind = channel.startsWith("D") ? "direct" : "channel";
      this.#logger.debug("conversations.info failed; kind guessed from the id", {
        channel,
        kind,
        reason: slackErrorCode(error) ?? (error instanceof Error ? error.message : String(error)),
      });
      return kind;
    }
  }

  async senderNames(userId: string): Promise<SenderNames> {
    if (!this.#resolveNames) return {};
    const now = this.#now();
    const cached = this.#names.get(userId);
    if (cached && cached.until > now) return cached.names;
    try {
      const info = await this.#api.userInfo(userId);
      const names: SenderNames = { name: info.name, username: info.username };
      this.#names.set(userId, { names, until: now + NAME_TTL_MS });
      return names;
    } catch (error) {
      this.#logger.debug("users.info failed; sender name left empty", {
        user: userId,
        reason: slackErrorCode(error) ?? (error instanceof Error ? error.message : String(error)),
      });
      // A failing lookup is retried after a minute, not on every message.
      this.#names.set(userId, { names: {}, until: now + MISS_TTL_MS });
      return {};
    }
  }
}
