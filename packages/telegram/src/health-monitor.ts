import { type AccountHealth, HealthTracker } from "@patchbay/core";

/** Where a failure happened; each source keeps its own run of consecutive failures. */
export type FailureSource = "poll" | "send" | "delivery";

/**
 * The account's health on top of core's HealthTracker: ready after getMe; degraded once any
 * source fails `degradedAfter` times in a row (back to ready on its next success); needs-login
 * on a refused token, which sticks until the account is restarted with a new token.
 */
export class HealthMonitor {
  readonly tracker: HealthTracker;
  readonly #degradedAfter: number;
  readonly #failures = new Map<FailureSource, { count: number; reason: string }>();

  constructor(options: { degradedAfter: number; now: () => number }) {
    this.tracker = new HealthTracker({ now: options.now });
    this.#degradedAfter = options.degradedAfter;
  }

  get state(): AccountHealth["state"] {
    return this.tracker.state;
  }

  snapshot(): AccountHealth {
    return this.tracker.snapshot();
  }

  ready(): void {
    if (this.#sticky()) return;
    this.#failures.clear();
    this.tracker.set("ready");
  }

  success(source: FailureSource): void {
    this.tracker.markEvent();
    if (this.#sticky()) return;
    const hadFailed = this.#failures.delete(source);
    if (hadFailed || this.tracker.state === "replaced") this.#settle();
  }

  failure(source: FailureSource, reason: string): void {
    if (this.#sticky()) return;
    const count = (this.#failures.get(source)?.count ?? 0) + 1;
    this.#failures.set(source, { count, reason });
    this.#settle();
  }

  needsLogin(reason: string): void {
    if (this.tracker.state !== "stopped") this.tracker.set("needs-login", reason);
  }

  /** Another consumer holds the token (409); recoverable once it goes away. */
  replaced(reason: string): void {
    if (!this.#sticky()) this.tracker.set("replaced", reason);
  }

  stopped(): void {
    this.tracker.set("stopped");
  }

  #sticky(): boolean {
    return this.tracker.state === "needs-login" || this.tracker.state === "stopped";
  }

  #settle(): void {
    if (this.tracker.state === "connecting") return;
    const worst = [...this.#failures.entries()].find(([, f]) => f.count >= this.#degradedAfter);
    if (worst) {
      const [source, failure] = worst;
      this.tracker.set(
        "degraded",
        `${failure.count} consecutive ${source} failures; last: ${failure.reason}`,
      );
    } else {
      this.tracker.set("ready");
    }
  }
}
