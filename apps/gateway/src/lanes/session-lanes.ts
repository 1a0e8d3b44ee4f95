import { GatewayError } from "@patchbay/core";

/** Why a turn was not queued (or was taken off the queue). */
export type LaneRejection = "session-full" | "global-full" | "draining" | "aborted";

/**
 * A turn the lanes would not take. Full queues use code `RATE_LIMITED` (the pipeline drops the
 * message with reason `queue-full` and may tell the user it is busy); shutdown uses `INTERNAL`.
 */
export class LaneRejectedError extends GatewayError {
  readonly reason: LaneRejection;
  readonly sessionKey: string;

  constructor(reason: LaneRejection, sessionKey: string) {
    const full = reason === "session-full" || reason === "global-full";
    super(full ? "RATE_LIMITED" : "INTERNAL", `Session lane rejected the turn: ${reason}`);
    this.reason = reason;
    this.sessionKey = sessionKey;
  }
}

export interface SessionLanesOptions {
  /** Turns waiting behind the running one, per session key. Default 20. */
  maxQueuedPerKey?: number;
  /** Turns waiting across all keys. Default 1000. */
  maxQueued?: number;
}

export type LaneTask<T> = (signal: AbortSignal) => Promise<T>;

interface Job {
  task: LaneTask<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

interface Lane {
  queue: Job[];
  controller: AbortController;
}

export interface LaneStats {
  /** Turns running now (at most one per key). */
  active: number;
  /** Turns waiting. */
  queued: number;
  /** Session keys with a running or waiting turn. */
  lanes: number;
  /** The longest wait queue of any one key. */
  maxDepth: number;
}

/**
 * Session lanes (pipeline step 6): turns of one session key run one at a time in arrival order;
 * different keys run concurrently. Queues are bounded per key and overall, and a full queue
 * rejects the NEW turn (never drops an older one): the caller learns at once and can say so,
 * and a turn that was accepted is never silently lost.
 */
export class SessionLanes {
  readonly #lanes = new Map<string, Lane>();
  readonly #maxPerKey: number;
  readonly #maxQueued: number;
  #queued = 0;
  #draining = false;
  #idle: Array<() => void> = [];

  constructor(options: SessionLanesOptions = {}) {
    this.#maxPerKey = Math.max(0, options.maxQueuedPerKey ?? 20);
    this.#maxQueued = Math.max(0, options.maxQueued ?? 1000);
  }

  /**
   * Runs `task` in `sessionKey`'s lane and resolves with its result. Rejects with a
   * {@link LaneRejectedError} when the queue is full or the lanes are draining; a task's own
   * error rejects only its own promise, and the lane moves on.
   */
  run<T>(sessionKey: string, task: LaneTask<T>): Promise<T> {
    if (this.#draining) return Promise.reject(new LaneRejectedError("draining", sessionKey));
    return new Promise<T>((resolve, reject) => {
      const job: Job = { task, resolve: resolve as (value: unknown) => void, reject };
      const lane = this.#lanes.get(sessionKey);
      if (!lane) {
        this.#start(sessionKey, { queue: [], controller: new AbortController() }, job);
        return;
      }
      if (lane.queue.length >= this.#maxPerKey) throw new LaneRejectedError("session-full", sessionKey);
      if (this.#queued >= this.#maxQueued) throw new LaneRejectedError("global-full", sessionKey);
      lane.queue.push(job);
      this.#queued++;
    });
  }

  /** Waiting turns of one key (not counting the running one). */
  depth(sessionKey: string): number {
    return this.#lanes.get(sessionKey)?.queue.length ?? 0;
  }

  stats(): LaneStats {
    let maxDepth = 0;
    for (const lane of this.#lanes.values()) maxDepth = Math.max(maxDepth, lane.queue.length);
    return { active: this.#lanes.size, queued: this.#queued, lanes: this.#lanes.size, maxDepth };
  }

  /**
   * Graceful shutdown: refuses new turns and resolves once every running and queued turn has
   * finished. Combine with `abort()` after a deadline.
   */
  drain(): Promise<void> {
    this.#draining = true;
    if (this.#lanes.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /**
   * Forced shutdown: aborts the signal of every running turn and rejects every queued one with
   * reason `aborted`. Running turns still settle on their own; `drain()` waits for them.
   */
  abort(): void {
    this.#draining = true;
    for (const [key, lane] of this.#lanes) {
      const queued = lane.queue.splice(0);
      this.#queued -= queued.length;
      for (const job of queued) job.reject(new LaneRejectedError("aborted", key));
      lane.controller.abort(new LaneRejectedError("aborted", key));
    }
  }

  #start(key: string, lane: Lane, job: Job): void {
    this.#lanes.set(key, lane);
    const { signal } = lane.controller;
    // Bookkeeping happens before the caller hears back, so stats() is exact when its await resumes.
    Promise.resolve()
      .then(() => job.task(signal))
      .then(
        (value) => {
          this.#next(key, lane);
          job.resolve(value);
        },
        (error: unknown) => {
          this.#next(key, lane);
          job.reject(error);
        },
      );
  }

  #next(key: string, lane: Lane): void {
    const job = lane.queue.shift();
    if (job) {
      this.#queued--;
      this.#start(key, lane, job);
      return;
    }
    this.#lanes.delete(key);
    if (this.#lanes.size === 0) {
      const waiters = this.#idle;
      this.#idle = [];
      for (const resolve of waiters) resolve();
    }
  }
}
