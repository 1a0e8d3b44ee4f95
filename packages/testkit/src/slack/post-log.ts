import type { ConditionWaiters } from "../condition-waiters.js";
import type { FakePostedMessage } from "./web-api.js";

/** Narrows which bot posts a wait is about; every given field must match. */
export interface PostFilter {
  channel?: string;
  token?: string;
  teamId?: string;
  threadTs?: string;
}

function matches(post: FakePostedMessage, filter: PostFilter): boolean {
  return (
    (filter.channel === undefined || post.channel === filter.channel) &&
    (filter.token === undefined || post.token === filter.token) &&
    (filter.teamId === undefined || post.teamId === filter.teamId) &&
    (filter.threadTs === undefined || post.threadTs === filter.threadTs)
  );
}

/**
 * Every bot post, in order, with a cursor per post so `next()` hands each one out once: a test can
 * await a reply before or after it arrives without racing.
 */
export class PostLog {
  readonly #posts: FakePostedMessage[] = [];
  readonly #taken = new Set<FakePostedMessage>();
  readonly #waiters: ConditionWaiters;

  constructor(waiters: ConditionWaiters) {
    this.#waiters = waiters;
  }

  get all(): readonly FakePostedMessage[] {
    return this.#posts;
  }

  add(post: FakePostedMessage): void {
    this.#posts.push(post);
    this.#waiters.changed();
  }

  next(filter: PostFilter, timeoutMs: number): Promise<FakePostedMessage> {
    return this.#waiters.until(
      () => {
        const post = this.#posts.find((p) => !this.#taken.has(p) && matches(p, filter));
        if (post) this.#taken.add(post);
        return post;
      },
      timeoutMs,
      `a bot post matching ${JSON.stringify(filter)}`,
    );
  }

  waitFor(count: number, filter: PostFilter, timeoutMs: number): Promise<FakePostedMessage[]> {
    return this.#waiters.until(
      () => {
        const found = this.#posts.filter((p) => matches(p, filter));
        return found.length >= count ? found : undefined;
      },
      timeoutMs,
      `${count} bot posts matching ${JSON.stringify(filter)}`,
    );
  }
}
