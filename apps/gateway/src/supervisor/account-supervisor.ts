import {
  type AccountHealth,
  Backoff,
  type BackoffOptions,
  type ChannelAdapter,
  type EnvelopeSink,
  GatewayError,
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
  /** A start() still pending after this long counts as failed and is retried. Default 60 s. */
  startTimeoutMs?: number;
  /** Called after every successful start of an account (the gateway replays its journal then). */
  onStarted?: (channel: string, accountId: string) => void;
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
  readonly #runnerOptions: RunnerOptions;
  /** Applies run one after another: two overlapping reloads must not both start the same account. */
  #applying: Promise<void> = Promise.resolve();
  #pendingApplies = 0;
  #stopped = false;
  /** Woken whenever an account starts, fails or an apply finishes (see readyAdapter). */
  readonly #waiters = new Set<() => void>();

  constructor(options: AccountSupervisorOptions) {
    this.#runnerOptions = { ...options, onChange: () => this.#wake() };
  }

  /** Brings the running set in line with `specs`: starts new, stops removed, restarts changed ones. */
  apply(specs: readonly AccountSpec[]): Promise<void> {
    this.#pendingApplies++;
    const run = this.#applying.then(() => this.#apply(specs));
    this.#applying = run.catch(() => {});
    return run.finally(() => {
      this.#pendingApplies--;
      this.#wake();
    });
  }

  async #apply(specs: readonly AccountSpec[]): Promise<void> {
    if (this.#stopped) return;
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
    if (this.#stopped) return;
    for (const [key, spec] of wanted) {
      const runner = new AccountRunner(spec, this.#runnerOptions);
      this.#runners.set(key, runner);
      runner.run();
    }
  }

  /** The account's adapter, started or still starting (webhook requests may arrive mid-start). */
  adapter(channel: string, accountId: string): ChannelAdapter | undefined {
    return this.#runners.get(accountKey(channel, accountId))?.adapter;
  }

  /**
   * The account's adapter once its start() has finished, waiting up to `timeoutMs` while it is
   * (re)starting, e.g. during a hot-reload restart of that account, so a reply due in that moment
   * is delayed rather than lost. Resolves undefined at once when the account is not configured,
   * needs login, or the supervisor stopped.
   */
  async readyAdapter(
    channel: string,
    accountId: string,
    timeoutMs: number,
  ): Promise<ChannelAdapter | undefined> {
    const key = accountKey(channel, accountId);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const runner = this.#runners.get(key);
      if (runner?.started) return runner.adapter;
      if (this.#stopped || runner?.needsLogin || (!runner && this.#pendingApplies === 0)) return undefined;
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.#waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, left);
        this.#waiters.add(wake);
      });
    }
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

  /** Stops every account; later applies are ignored (a reload racing shutdown starts nothing). */
  async stop(): Promise<void> {
    this.#stopped = true;
    const runners = [...this.#runners.values()];
    this.#runners.clear();
    this.#wake();
    await Promise.all(runners.map((runner) => runner.stop()));
  }

  #wake(): void {
    for (const wake of [...this.#waiters]) wake();
  }
}

interface RunnerOptions extends AccountSupervisorOptions {
  onChange: () => void;
}

class AccountRunner {
  readonly spec: AccountSpec;
  adapter: ChannelAdapter | undefined;
  readonly firstAttempt: Promise<void>;
  readonly #options: RunnerOptions;
  readonly #backoff: Backoff;
  readonly #logger: Logger;
  readonly #now: () => number;
  #resolveFirst: () => void = () => {};
  #stopped = false;
  #timer: NodeJS.Timeout | undefined;
  #failure: { state: "connecting" | "needs-login"; reason: string; since: number } | undefined;
  #attempts = 0;
  #started = false;

  constructor(spec: AccountSpec, options: RunnerOptions) {
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

  /** start() finished and the account was not stopped since. */
  get started(): boolean {
    return this.#started && this.adapter !== undefined;
  }

  /** Refused credentials or settings that cannot work: not retried until the settings change. */
  get needsLogin(): boolean {
    return this.#failure?.state === "needs-login";
  }

  async #attempt(): Promise<void> {
    if (this.#stopped) return;
    this.#attempts += 1;
    try {
      const adapter = await this.spec.create();
      this.adapter = adapter;
      await this.#startBounded(adapter);
      if (this.#stopped) {
        await adapter.stop();
        return;
      }
      this.#failure = undefined;
      this.#started = true;
      this.#backoff.reset();
      this.#logger.info("account started");
      this.#options.onStarted?.(this.spec.channel, this.spec.accountId);
    } catch (error) {
      const failure = toGatewayError(error);
      const failed = this.adapter;
      this.adapter = undefined;
      // Read before stop(): a stopped adapter reports "stopped", hiding why it failed.
      const refused = failed?.health().state === "needs-login";
      await failed?.stop().catch(() => {});
      if (this.#stopped) return;
      if (failure.code === "AUTH_FAILED" || failure.code === "CONFIG_INVALID" || refused) {
        // Retrying cannot help until the token or the settings change (a reload restarts it then).
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
      this.#options.onChange();
    }
  }

  /** start(), or a TIMEOUT error when it hangs (a wedged connect must not hold the account forever). */
  async #startBounded(adapter: ChannelAdapter): Promise<void> {
    const limitMs = this.#options.startTimeoutMs ?? 60_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () => reject(new GatewayError("TIMEOUT", `did not finish starting within ${limitMs} ms`)),
        limitMs,
      );
    });
    try {
      await Promise.race([adapter.start(this.#options.sink), timeout]);
    } finally {
      clearTimeout(timer);
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
    this.#started = false;
    clearTimeout(this.#timer);
    const adapter = this.adapter;
    this.adapter = undefined;
    await adapter?.stop().catch((error: unknown) => {
      this.#logger.warn("account did not stop cleanly", { reason: toGatewayError(error).message });
    });
  }
}
