import {
  type AccountHealth,
  Backoff,
  type BackoffOptions,
  type ChannelAdapter,
  type EnvelopeSink,
  type Logger,
  toGatewayError,
} from "@patchbay/core";

/** What the supervisor needs to run one account; `fingerprint` changes when its settings do. */
export interface AccountSpec {
  channel: string;
  accountId: string;
  /** A digest of the account's effective settings; a different value on reload means restart. */
  fingerprint: string;
  create(): ChannelAdapter | Promise<ChannelAdapter>;
}

export interface AccountStatus extends AccountHealth {
  channel: string;
  accountId: string;
}

export interface AccountSupervisorOptions {
  sink: EnvelopeSink;
  logger: Logger;
  backoff?: BackoffOptions;
  now?: () => number;
}

const accountKey = (channel: string, accountId: string) => `${channel}/${accountId}`;

/**
 * Owns every account: starts each independently, restarts one that fails to start with backoff while
 * the others keep serving, and never retries an account whose credentials were refused (needs-login)
 * until its settings change.
 */
export class AccountSupervisor {
  readonly #runners = new Map<string, AccountRunner>();
  readonly #options: AccountSupervisorOptions;

  constructor(options: AccountSupervisorOptions) {
    this.#options = options;
  }

  /** Brings the running set in line with `specs`: starts new, stops removed, restarts changed ones. */
  async apply(specs: readonly AccountSpec[]): Promise<void> {
    const wanted = new Map(specs.map((spec) => [accountKey(spec.channel, spec.accountId), spec]));
    const stops: Promise<void>[] = [];
    for (const [key, runner] of this.#runners) {
      const spec = wanted.get(key);
      if (spec && spec.fingerprint === runner.spec.fingerprint) {
        wanted.delete(key);
        continue;
      }
      this.#runners.delete(key);
      stops.push(runner.stop());
    }
    await Promise.all(stops);
    for (const [key, spec] of wanted) {
      const runner = new AccountRunner(spec, this.#options);
      this.#runners.set(key, runner);
      runner.run();
    }
  }

  adapter(channel: string, accountId: string): ChannelAdapter | undefined {
    return this.#runners.get(accountKey(channel, accountId))?.adapter;
  }

  adapters(): ChannelAdapter[] {
    return [...this.#runners.values()].flatMap((runner) => (runner.adapter ? [runner.adapter] : []));
  }

  status(): AccountStatus[] {
    return [...this.#runners.values()].map((runner) => runner.status());
  }

  /** Resolves once every account has left `connecting` (ready or failed), or after `timeoutMs`. */
  async settled(timeoutMs = 30_000): Promise<void> {
    await Promise.race([
      Promise.allSettled([...this.#runners.values()].map((runner) => runner.firstAttempt)),
      new Promise((resolve) => setTimeout(resolve, timeoutMs).unref()),
    ]);
  }

  async stop(): Promise<void> {
    const runners = [...this.#runners.values()];
    this.#runners.clear();
    await Promise.all(runners.map((runner) => runner.stop()));
  }
}

class AccountRunner {
  readonly spec: AccountSpec;
  adapter: ChannelAdapter | undefined;
  readonly firstAttempt: Promise<void>;
  readonly #options: AccountSupervisorOptions;
  readonly #backoff: Backoff;
  readonly #logger: Logger;
  readonly #now: () => number;
  #resolveFirst: () => void = () => {};
  #stopped = false;
  #timer: NodeJS.Timeout | undefined;
  #failure: { state: "connecting" | "needs-login"; reason: string; since: number } | undefined;
  #attempts = 0;

  constructor(spec: AccountSpec, options: AccountSupervisorOptions) {
    this.spec = spec;
    this.#options = options;
    this.#backoff = new Backoff({ initialMs: 1_000, maxMs: 60_000, ...options.backoff });
    this.#logger = options.logger.child({ channel: spec.channel, accountId: spec.accountId });
    this.#now = options.now ?? Date.now;
    this.firstAttempt = new Promise((resolve) => {
      this.#resolveFirst = resolve;
    });
  }

  run(): void {
    void this.#attempt();
  }

  async #attempt(): Promise<void> {
    if (this.#stopped) return;
    this.#attempts += 1;
    try {
      const adapter = await this.spec.create();
      this.adapter = adapter;
      await adapter.start(this.#options.sink);
      if (this.#stopped) {
        await adapter.stop();
        return;
      }
      this.#failure = undefined;
      this.#backoff.reset();
      this.#logger.info("account started");
    } catch (error) {
      const failure = toGatewayError(error);
      const failed = this.adapter;
      this.adapter = undefined;
      await failed?.stop().catch(() => {});
      if (this.#stopped) return;
      if (failure.code === "AUTH_FAILED" || failed?.health().state === "needs-login") {
        this.#failure = { state: "needs-login", reason: failure.message, since: this.#now() };
        this.#logger.error("account needs login; not retrying until its settings change", {
          reason: failure.message,
        });
      } else {
        const delay = this.#backoff.next();
        this.#failure = {
          state: "connecting",
          reason: `start failed (attempt ${this.#attempts}): ${failure.message}; retrying in ${Math.round(delay / 1000)}s`,
          since: this.#now(),
        };
        this.#logger.warn("account failed to start; will retry", { reason: failure.message, delayMs: delay });
        this.#timer = setTimeout(() => void this.#attempt(), delay);
        this.#timer.unref();
      }
    } finally {
      this.#resolveFirst();
    }
  }

  status(): AccountStatus {
    const base = { channel: this.spec.channel, accountId: this.spec.accountId };
    if (this.#failure) {
      return {
        ...base,
        state: this.#failure.state,
        reason: this.#failure.reason,
        since: this.#failure.since,
        reconnects: this.#attempts - 1,
      };
    }
    if (this.adapter) return { ...base, ...this.adapter.health() };
    return { ...base, state: "connecting", since: this.#now(), reconnects: 0 };
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    const adapter = this.adapter;
    this.adapter = undefined;
    await adapter?.stop().catch((error: unknown) => {
      this.#logger.warn("account did not stop cleanly", { reason: toGatewayError(error).message });
    });
  }
}
