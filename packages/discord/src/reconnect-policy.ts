import { Backoff, type BackoffOptions } from "@patchbay/core";

export interface ReconnectPolicyOptions extends BackoffOptions {
  /** Failed resumes in a row before the session is dropped for a fresh IDENTIFY. Default 3. */
  maxResumeAttempts?: number;
}

export interface ReconnectPlan {
  /** Wait this long before reconnecting. */
  delayMs: number;
  /** Resume the session (true) or identify afresh (false). */
  resume: boolean;
  /** Reconnect attempts since the last healthy connection, this one included. */
  attempt: number;
}

/**
 * Decides how one gateway connection comes back after a recoverable close: exponential backoff
 * with jitter (so a flapping network never turns into thousands of attempts, and many accounts
 * never reconnect in lockstep), and resume until it has failed `maxResumeAttempts` times in a
 * row, then a fresh identify. A healthy READY or RESUMED resets both.
 */
export class ReconnectPolicy {
  readonly #backoff: Backoff;
  readonly #maxResumeAttempts: number;
  #resumeAttempts = 0;

  constructor(options: ReconnectPolicyOptions = {}) {
    this.#backoff = new Backoff(options);
    this.#maxResumeAttempts = Math.max(0, options.maxResumeAttempts ?? 3);
  }

  /**
   * Plans the next attempt. `canResume`: a session is there to resume. `reachedServer`: the
   * attempt that just ended got as far as the gateway's HELLO; one that never reached the server
   * (an outage) says nothing about the session and does not count as a failed resume.
   */
  next(canResume: boolean, reachedServer = true): ReconnectPlan {
    const delayMs = this.#backoff.next();
    if (!reachedServer && this.#resumeAttempts > 0) this.#resumeAttempts -= 1;
    const resume = canResume && this.#resumeAttempts < this.#maxResumeAttempts;
    this.#resumeAttempts = resume ? this.#resumeAttempts + 1 : 0;
    return { delayMs, resume, attempt: this.#backoff.attempt };
  }

  /** The connection is healthy again (READY or RESUMED). */
  connected(): void {
    this.#backoff.reset();
    this.#resumeAttempts = 0;
  }
}
