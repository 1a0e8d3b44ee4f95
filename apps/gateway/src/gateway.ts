import { createHash } from "node:crypto";
import { type FSWatcher, watch } from "node:fs";
import { basename, dirname, join } from "node:path";
import {
  type ChannelAdapter,
  ConfigError,
  createPairingStore,
  type EnvLike,
  type Logger,
  mergeConfigEnv,
  type PairingStore,
  resolveGatewayListen,
  toGatewayError,
} from "@patchbay/core";
import type { ChannelFactories } from "./channels/types.js";
import { formatIssues, type LoadedConfig, loadConfigFile } from "./config/load-config.js";
import { createAdminToken } from "./http/admin-token.js";
import { gatewayRoutes } from "./http/gateway-routes.js";
import { GatewayHttpServer, type Route, sendJson } from "./http/server.js";
import { SessionLanes } from "./lanes/index.js";
import { buildConfigSnapshot, type ConfigSnapshot } from "./pipeline/config-snapshot.js";
import { EventLog } from "./pipeline/event-log.js";
import { createGatewayMetrics, type GatewayMetrics } from "./pipeline/gateway-metrics.js";
import { Pipeline } from "./pipeline/pipeline.js";
import { readTokenFile } from "./secrets/token-file.js";
import {
  type InboundJournal,
  openFileKeyValueStore,
  openInboundJournal,
  openSessionStore,
  prefixedStore,
  type SessionStore,
} from "./stores/index.js";
import { type AccountSpec, type AccountStatus, AccountSupervisor } from "./supervisor/account-supervisor.js";

export interface GatewayOptions {
  configPath: string;
  stateDir: string;
  logger: Logger;
  channels: ChannelFactories;
  env?: EnvLike;
  /** Overrides `gateway.port` (0 picks a free port; tests use it). */
  port?: number;
  host?: string;
  /** Watch the config file and hot-reload it (default true). */
  watchConfig?: boolean;
  /** fsync the journal (default true; tests may turn it off for speed). */
  fsync?: boolean;
  /** Extra HTTP routes (the dev playground's composer). */
  extraRoutes?: (gateway: RunningGateway) => Route[];
  /** Shown by the console and `/api/info`. */
  dev?: boolean;
  supervisorBackoff?: { initialMs?: number; maxMs?: number };
  /**
   * How long stop() lets running turns finish before aborting them (default 10 s). An aborted
   * turn sends nothing and its message stays in the journal for the next run.
   */
  drainTimeoutMs?: number;
  /** How long a reply waits for its account to come back while it restarts (default 10 s). */
  replyWaitMs?: number;
}

export interface RunningGateway {
  readonly url: string;
  readonly port: number;
  readonly metrics: GatewayMetrics;
  readonly events: EventLog;
  readonly pairing: PairingStore;
  snapshot(): ConfigSnapshot;
  status(): AccountStatus[];
  adapter(channel: string, accountId: string): ChannelAdapter | undefined;
  /** Resolves once every account has finished its first start attempt (ready or failed). */
  settled(): Promise<void>;
  /** Re-reads the config; keeps the running one (and returns false) when the new one is invalid. */
  reload(): Promise<boolean>;
  /** Drains in-flight turns and sends, then stops every account. */
  stop(): Promise<void>;
}

/**
 * Starts the daemon: validates the config (refusing to start on any error), opens the stores,
 * starts every enabled account under the supervisor, serves HTTP, replays messages a previous run
 * left unfinished, and hot-reloads the config file.
 */
export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const logger = options.logger;
  const env = options.env ?? process.env;
  const loaded = await loadConfigFile(options.configPath, { stateDir: options.stateDir });
  for (const line of formatIssues(loaded.warnings)) logger.warn(`config warning: ${line}`);
  let snapshot = makeSnapshot(loaded, options, env);

  const journal: InboundJournal = await openInboundJournal({
    stateDir: options.stateDir,
    logger,
    fsync: options.fsync ?? true,
  });
  const pairing = createPairingStore({ dir: join(options.stateDir, "credentials") });
  const kv = await openFileKeyValueStore(options.stateDir);
  const lanes = new SessionLanes();
  const metrics = createGatewayMetrics(() => lanes.stats());
  const events = new EventLog();
  const sessionStores = new Map<string, Promise<SessionStore>>();
  const sessions = (agentId: string) => {
    let store = sessionStores.get(agentId);
    if (!store) {
      store = openSessionStore({ stateDir: options.stateDir, agentId, logger });
      sessionStores.set(agentId, store);
    }
    return store;
  };

  let supervisor: AccountSupervisor | undefined;
  const pipeline = new Pipeline({
    snapshot: () => snapshot,
    journal,
    pairing,
    lanes,
    sessions,
    adapter: (channel, accountId) => supervisor?.adapter(channel, accountId),
    readyAdapter: async (channel, accountId) =>
      supervisor?.readyAdapter(channel, accountId, options.replyWaitMs ?? 10_000),
    metrics,
    events,
    logger,
  });
  supervisor = new AccountSupervisor({
    sink: pipeline.sink,
    logger,
    // Replies to a replayed message go out through its account, so each account replays its
    // unfinished messages once it is up (new ones wait behind them).
    onStarted: (channel, accountId) => {
      const count = pipeline.replayAccount(channel, accountId);
      if (count > 0)
        logger.info("replaying messages left unfinished by the last run", { channel, accountId, count });
    },
    ...(options.supervisorBackoff ? { backoff: options.supervisorBackoff } : {}),
  });
  const accountSpecs = (current: ConfigSnapshot): AccountSpec[] =>
    [...current.accounts.values()]
      .filter((account) => account.enabled)
      .flatMap((account) => {
        const factory = options.channels[account.channel];
        if (!factory) {
          logger.warn("no adapter for this channel; account not started", { channel: account.channel });
          return [];
        }
        const accountLogger = logger.child({ channel: account.channel, accountId: account.accountId });
        return [
          {
            channel: account.channel,
            accountId: account.accountId,
            fingerprint: createHash("sha256").update(JSON.stringify(account)).digest("hex"),
            create: () => {
              pipeline.holdUntilReplayed(account.channel, account.accountId);
              return factory.create(account, {
                stateDir: options.stateDir,
                logger: accountLogger,
                state: prefixedStore(kv, `${account.channel}/${account.accountId}/`),
                env,
              });
            },
          },
        ];
      });

  const listen = resolveGatewayListen(snapshot.config);
  let routes = (): Route[] => [];
  const http = new GatewayHttpServer(() => routes(), logger);
  const address = await http.listen(options.port ?? listen.port, options.host ?? listen.host);
  await supervisor.apply(accountSpecs(snapshot));
  let stopped = false;
  let stopping: Promise<void> | undefined;
  const reloadOnce = async (): Promise<boolean> => {
    if (stopped) return false;
    let next: ConfigSnapshot;
    try {
      const fresh = await loadConfigFile(options.configPath, { stateDir: options.stateDir });
      for (const line of formatIssues(fresh.warnings)) logger.warn(`config warning: ${line}`);
      next = makeSnapshot(fresh, options, env);
    } catch (error) {
      const lines =
        error instanceof ConfigError ? formatIssues(error.issues) : [toGatewayError(error).message];
      logger.error("config reload rejected; keeping the running config", { issues: lines });
      return false;
    }
    if (stopped) return false;
    snapshot = next;
    await supervisor.apply(accountSpecs(next));
    logger.info("config reloaded");
    return true;
  };
  // One reload at a time, in call order: two overlapping ones could otherwise swap in the older
  // file's snapshot last.
  let reloading: Promise<unknown> = Promise.resolve();

  const drain = async () => {
    const drainTimeoutMs = options.drainTimeoutMs ?? 10_000;
    const drained = pipeline.drain().then(() => true);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), drainTimeoutMs);
    });
    const finished = await Promise.race([drained, deadline]);
    clearTimeout(timer);
    if (finished) return;
    logger.warn("turns still running at the drain deadline; aborting them (kept for the next run)", {
      drainTimeoutMs,
    });
    lanes.abort();
    // Runtimes honour the abort signal; a sender stuck on its platform gets one more deadline.
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, drainTimeoutMs);
    });
    await Promise.race([drained, grace]);
    clearTimeout(timer);
  };

  let watcher: { close(): void } | undefined;
  const running: RunningGateway = {
    url: address.url,
    port: address.port,
    metrics,
    events,
    pairing,
    snapshot: () => snapshot,
    status: () => supervisor.status(),
    settled: () => supervisor.settled(),
    adapter: (channel, accountId) => supervisor.adapter(channel, accountId),
    reload: () => {
      const run = reloading.then(reloadOnce);
      reloading = run.catch(() => {});
      return run;
    },
    stop: () => {
      stopping ??= (async () => {
        stopped = true;
        watcher?.close();
        // Every lane turn belongs to a message the pipeline tracks, so this bounds the lanes too.
        await drain();
        // A reload still applying is harmless: the stopped supervisor ignores it.
        await supervisor.stop();
        await http.close();
        await Promise.all([...sessionStores.values()].map(async (store) => (await store).close()));
        await journal.close();
      })();
      return stopping;
    },
  };

  const adminToken = await createAdminToken(options.stateDir);
  const baseRoutes = gatewayRoutes(running, { dev: options.dev ?? false, adminToken });
  const extra = options.extraRoutes?.(running) ?? [];
  routes = () => [...extra, ...webhookRoutes(snapshot, options.channels, supervisor), ...baseRoutes];

  if (options.watchConfig ?? true)
    watcher = watchConfigFile(options.configPath, () => void running.reload(), logger);
  return running;
}

function makeSnapshot(loaded: LoadedConfig, options: GatewayOptions, env: EnvLike): ConfigSnapshot {
  return buildConfigSnapshot(loaded.config, {
    stateDir: options.stateDir,
    env: mergeConfigEnv(loaded.config, env),
    logger: options.logger,
    readTokenFile,
  });
}

/**
 * HTTP endpoints of the configured accounts (Telegram webhooks, Slack events), derived from the
 * current config on every request, so a reload can never leave a stale or missing route behind.
 */
function webhookRoutes(
  snapshot: ConfigSnapshot,
  channels: ChannelFactories,
  supervisor: AccountSupervisor,
): Route[] {
  return [...snapshot.accounts.values()].flatMap((account) => {
    const mount = account.enabled ? channels[account.channel]?.mount?.(account) : undefined;
    if (!mount) return [];
    return [
      {
        method: "POST" as const,
        path: mount.path,
        handler: (req, res) => {
          const adapter = supervisor.adapter(account.channel, account.accountId);
          if (!adapter) {
            sendJson(res, 503, { error: `account ${account.channel}/${account.accountId} is not running` });
            return;
          }
          mount.handler(adapter)(req, res);
        },
      } satisfies Route,
    ];
  });
}

/** Re-reads the file shortly after it changes; watches the folder so editors that replace files work. */
function watchConfigFile(path: string, onChange: () => void, logger: Logger): { close(): void } | undefined {
  let timer: NodeJS.Timeout | undefined;
  try {
    const watcher: FSWatcher = watch(dirname(path), (_event, name) => {
      if (name !== null && name !== basename(path)) return;
      clearTimeout(timer);
      timer = setTimeout(onChange, 150);
    });
    watcher.unref();
    // A change seen just before stop must not fire a reload afterwards.
    return {
      close: () => {
        clearTimeout(timer);
        watcher.close();
      },
    };
  } catch (error) {
    logger.warn("cannot watch the config file; hot reload is off", { reason: toGatewayError(error).message });
    return undefined;
  }
}
