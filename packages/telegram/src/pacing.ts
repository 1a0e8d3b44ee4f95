import { sleep } from "@patchbay/core";

export interface PacingLimits {
  /** Minimum gap between two sends to one chat. */
  perChatIntervalMs: number;
  /** Sends per rolling minute to one group or channel. */
  groupPerMinute: number;
  /** Sends per rolling second across the whole bot. */
  globalPerSecond: number;
}

const MINUTE = 60_000;
const SECOND = 1_000;

/**
 * The pure part of pacing: given what was sent when, how long until the next send to a chat is
 * allowed. Kept apart from timers so it can be tested with a fake clock.
 */
export class PaceWindows {
  readonly #limits: PacingLimits;
  readonly #lastByChat = new Map<string, number>();
  readonly #groupSends = new Map<string, number[]>();
  readonly #globalSends: number[] = [];

  constructor(limits: PacingLimits) {
    this.#limits = limits;
  }

  /** Milliseconds to wait before sending to `chat` at `now` (0 = go). */
  delayFor(chat: string, isGroup: boolean, now: number): number {
    this.#prune(chat, now);
    let wait = 0;
    const last = this.#lastByChat.get(chat);
    if (last !== undefined) wait = Math.max(wait, last + this.#limits.perChatIntervalMs - now);
    const group = this.#groupSends.get(chat);
    if (isGroup && group && group.length >= this.#limits.groupPerMinute) {
      wait = Math.max(wait, (group[group.length - this.#limits.groupPerMinute] as number) + MINUTE - now);
    }
    if (this.#globalSends.length >= this.#limits.globalPerSecond) {
      const oldest = this.#globalSends[this.#globalSends.length - this.#limits.globalPerSecond] as number;
      wait = Math.max(wait, oldest + SECOND - now);
    }
    return Math.max(0, wait);
  }

  record(chat: string, isGroup: boolean, now: number): void {
    this.#lastByChat.set(chat, now);
    if (isGroup) {
      const sends = this.#groupSends.get(chat) ?? [];
      sends.push(now);
      this.#groupSends.set(chat, sends);
    }
    this.#globalSends.push(now);
  }

  /** Forgets what no limit can still depend on, so idle chats cost nothing. */
  #prune(chat: string, now: number): void {
    while (this.#globalSends.length > 0 && (this.#globalSends[0] as number) <= now - SECOND)
      this.#globalSends.shift();
    const sends = this.#groupSends.get(chat);
    while (sends && sends.length > 0 && (sends[0] as number) <= now - MINUTE) sends.shift();
    if (sends?.length === 0) this.#groupSends.delete(chat);
    if (this.#lastByChat.size > 1_000) {
      for (const [key, at] of this.#lastByChat) {
        if (at <= now - Math.max(MINUTE, this.#limits.perChatIntervalMs) && !this.#groupSends.has(key)) {
          this.#lastByChat.delete(key);
        }
      }
    }
  }
}

/** Waits for the next allowed slot of the chat the job was queued for. */
export type Pace = () => Promise<void>;

/**
 * One per account: runs send jobs FIFO per chat (so the chunks of one reply never interleave with
 * another reply to the same chat) and paces each message to Telegram's limits. Jobs for different
 * chats run concurrently. Stopping rejects queued jobs and cancels waits.
 */
export class SendScheduler {
  readonly #windows: PaceWindows;
  readonly #tails = new Map<string, Promise<unknown>>();
  readonly #now: () => number;
  readonly #signal: AbortSignal;

  constructor(limits: PacingLimits, options: { now: () => number; signal: AbortSignal }) {
    this.#windows = new PaceWindows(limits);
    this.#now = options.now;
    this.#signal = options.signal;
  }

  run<T>(chat: string, isGroup: boolean, job: (pace: Pace) => Promise<T>): Promise<T> {
    const pace: Pace = async () => {
      for (;;) {
        if (this.#signal.aborted) throw this.#signal.reason;
        const wait = this.#windows.delayFor(chat, isGroup, this.#now());
        if (wait <= 0) break;
        await sleep(wait, this.#signal);
      }
      this.#windows.record(chat, isGroup, this.#now());
    };
    const previous = this.#tails.get(chat) ?? Promise.resolve();
    // Tails never reject (see below), so the job always runs after the previous one settles.
    const result = previous.then(() => job(pace));
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(chat, tail);
    void tail.then(() => {
      if (this.#tails.get(chat) === tail) this.#tails.delete(chat);
    });
    return result;
  }

  /** Resolves when every queued job has settled. */
  async drain(): Promise<void> {
    await Promise.all([...this.#tails.values()]);
  }
}
