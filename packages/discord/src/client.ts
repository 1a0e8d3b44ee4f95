/**
 * The only place that touches discord.js and @discordjs/ws. Everything else in the package works
 * on raw payloads and small interfaces, so the SDK's object model never leaks into our logic.
 */
import { Collection } from "@discordjs/collection";
import {
  CloseCodes,
  type FetchingStrategyOptions,
  type IContextFetchingStrategy,
  type IShardingStrategy,
  managerToFetchingStrategyOptions,
  type SessionInfo,
  type WebSocketManager,
  WebSocketShard,
  type WebSocketShardDestroyOptions,
  WebSocketShardDestroyRecovery,
  WebSocketShardEvents,
  WebSocketShardStatus,
} from "@discordjs/ws";
import { sleep } from "@patchbay/core";
import type { GatewaySendPayload } from "discord.js";
import { Client, Events, GatewayIntentBits, Options, Partials, REST, Routes } from "discord.js";
import { FATAL_CLOSE_CODES } from "./errors.js";
import { IdentifyBudget } from "./identify-budget.js";
import type { ChannelFacts } from "./inbound.js";
import type { MessageBody } from "./outbound.js";
import { type ReconnectPlan, ReconnectPolicy, type ReconnectPolicyOptions } from "./reconnect-policy.js";

/** What the gateway connection reports to the adapter. Hooks must not throw. */
export interface GatewayHooks {
  /** Every gateway dispatch, raw (MESSAGE_CREATE and the rest). */
  dispatch(type: string, data: unknown): void;
  /** A heartbeat was acknowledged: the connection is alive. */
  heartbeat(): void;
  /** The shard is usable again after a fresh identify (guilds received) or a resume. */
  connected(kind: "ready" | "resumed"): void;
  /** A recoverable close; the next attempt is planned. */
  reconnecting(plan: ReconnectPlan & { code: number | undefined }): void;
  /** A close after which the library does not reconnect (4004, 4014, …). */
  fatalClose(code: number): void;
  /** A REST call hit a rate limit and waits as Discord's headers say. */
  rateLimited(info: { method: string; route: string; retryAfterMs: number; global: boolean }): void;
  /** The daily identify budget is spent; no IDENTIFY until `resetAt`. */
  identifyBudgetExhausted(resetAt: number): void;
  debug(message: string): void;
  error(error: Error): void;
}

export interface DiscordClientOptions {
  token: string;
  /** REST base; undefined = discord.com. */
  restApi: string | undefined;
  waitGuildTimeoutMs: number;
  restTimeoutMs: number;
  restRetries: number;
  maxRateLimitWaitMs: number;
  identifyIntervalMs: number;
  reconnect: ReconnectPolicyOptions;
  hooks: GatewayHooks;
}

/** Guilds | GuildMessages | DirectMessages | MessageContent. */
const INTENTS = [
  GatewayIntentBits.Guilds,
  GatewayIntentBits.GuildMessages,
  GatewayIntentBits.DirectMessages,
  GatewayIntentBits.MessageContent,
];

/**
 * A shard that reconnects on our terms. @discordjs/ws reconnects 500 ms after any recoverable
 * close, forever and without jitter, and resumes forever while it holds a session. Here the
 * library still detects and classifies every failure (close codes, zombie heartbeats, timeouts,
 * INVALID_SESSION), but the wait before the next attempt and the resume-or-identify choice come
 * from ReconnectPolicy.
 */
class ResilientShard extends WebSocketShard {
  readonly #context: IContextFetchingStrategy;
  readonly #policy: ReconnectPolicy;
  readonly #hooks: GatewayHooks;
  #recovering = false;
  /** Whether the current connection got HELLO, i.e. reached the gateway at all. */
  #reachedServer = false;
  #pending: AbortController | null = null;
  #stopped = false;

  constructor(context: IContextFetchingStrategy, id: number, policy: ReconnectPolicy, hooks: GatewayHooks) {
    super(context, id);
    this.#context = context;
    this.#policy = policy;
    this.#hooks = hooks;
    this.on(WebSocketShardEvents.Ready, () => this.#policy.connected());
    this.on(WebSocketShardEvents.Resumed, () => this.#policy.connected());
    this.on(WebSocketShardEvents.HeartbeatComplete, () => this.#hooks.heartbeat());
    this.on(WebSocketShardEvents.Hello, () => {
      this.#reachedServer = true;
    });
    this.on(WebSocketShardEvents.Closed, ({ code }) => {
      if (FATAL_CLOSE_CODES.has(code)) this.#hooks.fatalClose(code);
    });
  }

  override async destroy(options: WebSocketShardDestroyOptions = {}): Promise<void> {
    const recover = options.recover;
    if (recover === undefined) return super.destroy(options);
    // Another failure path is already recovering, stop() is already closing (a second close would
    // replace the first one's onclose and hang it), or there is nothing left to close.
    if (this.#recovering || this.#stopped || this.status === WebSocketShardStatus.Idle) return undefined;
    this.#recovering = true;
    try {
      const wantsResume = recover === WebSocketShardDestroyRecovery.Resume || failedToConnect(options);
      const session = wantsResume ? await this.#context.retrieveSessionInfo(this.id) : null;
      // Close without the library's own reconnect; 4200 keeps the session resumable on Discord.
      await super.destroy({
        code: options.code ?? (wantsResume ? CloseCodes.Resuming : CloseCodes.Normal),
        ...(options.reason ? { reason: options.reason } : {}),
      });
      const plan = this.#policy.next(session !== null, this.#reachedServer);
      this.#reachedServer = false;
      if (plan.resume && session) await this.#context.updateSessionInfo(this.id, session);
      this.#hooks.reconnecting({ ...plan, code: options.code });
      this.#pending = new AbortController();
      await sleep(plan.delayMs, this.#pending.signal);
    } catch {
      return undefined; // stopped while waiting
    } finally {
      this.#pending = null;
      this.#recovering = false;
    }
    if (this.#stopped) return undefined;
    // Before the first READY, connect() also waits for it; the original login call reports failures.
    this.connect().catch(() => undefined);
    return undefined;
  }

  /** Cancels a scheduled reconnect; the next destroy() closes for good. */
  stop(): void {
    this.#stopped = true;
    this.#pending?.abort();
  }
}

/** Closes after which the library identifies afresh on purpose: the session is gone or suspect. */
const SESSION_ENDING_CODES = new Set([CloseCodes.Normal, 4003, 4005, 4007, 4008]);

/**
 * The library asks for a fresh identify when a connection attempt failed at the network level
 * (reset, refused: close 1006 with no reason). The session is still valid on Discord's side, and
 * dropping it would lose every message sent during the outage, so it is resumed instead; should
 * Discord have expired it meanwhile, INVALID_SESSION leads to the identify anyway.
 */
function failedToConnect(options: WebSocketShardDestroyOptions): boolean {
  return (
    options.recover === WebSocketShardDestroyRecovery.Reconnect &&
    options.reason === undefined &&
    options.code !== undefined &&
    !SESSION_ENDING_CODES.has(options.code)
  );
}

/** Relays session storage to discord.js and gates IDENTIFY through the account's budget. */
class BudgetedContext implements IContextFetchingStrategy {
  readonly options: FetchingStrategyOptions;
  readonly #manager: WebSocketManager;
  readonly #budget: IdentifyBudget;

  constructor(manager: WebSocketManager, options: FetchingStrategyOptions, budget: IdentifyBudget) {
    this.#manager = manager;
    this.options = options;
    this.#budget = budget;
  }

  retrieveSessionInfo(shardId: number): Promise<SessionInfo | null> {
    return Promise.resolve(this.#manager.options.retrieveSessionInfo(shardId));
  }

  async updateSessionInfo(shardId: number, info: SessionInfo | null): Promise<void> {
    await this.#manager.options.updateSessionInfo(shardId, info);
  }

  waitForIdentify(_shardId: number, signal: AbortSignal): Promise<void> {
    return this.#budget.acquire(signal);
  }
}

/** One bot, one shard, in this process: SimpleShardingStrategy with ResilientShard. */
class ResilientStrategy implements IShardingStrategy {
  readonly #manager: WebSocketManager;
  readonly #options: DiscordClientOptions;
  readonly #shards = new Collection<number, ResilientShard>();

  constructor(manager: WebSocketManager, options: DiscordClientOptions) {
    this.#manager = manager;
    this.#options = options;
  }

  async spawn(shardIds: number[]): Promise<void> {
    const manager = this.#manager;
    const fetchingOptions = await managerToFetchingStrategyOptions(manager);
    const budget = new IdentifyBudget({
      spacingMs: this.#options.identifyIntervalMs,
      onExhausted: (resetAt) => this.#options.hooks.identifyBudgetExhausted(resetAt),
      fetchLimit: async (fresh) => {
        const info = await manager.fetchGatewayInformation(fresh);
        const limit = info.session_start_limit;
        return {
          total: limit.total,
          remaining: limit.remaining,
          resetAfterMs: limit.reset_after,
          maxConcurrency: limit.max_concurrency,
        };
      },
    });
    for (const shardId of shardIds) {
      const context = new BudgetedContext(manager, fetchingOptions, budget);
      const policy = new ReconnectPolicy(this.#options.reconnect);
      const shard = new ResilientShard(context, shardId, policy, this.#options.hooks);
      // discord.js listens on the manager, so forward every shard event the way the default strategy does.
      for (const event of Object.values(WebSocketShardEvents)) {
        shard.on(event, (payload?: object) => {
          (manager.emit as (name: string, data: object) => boolean)(event, { ...payload, shardId });
        });
      }
      this.#shards.set(shardId, shard);
    }
  }

  async connect(): Promise<void> {
    await Promise.all(this.#shards.map((shard) => shard.connect()));
  }

  async destroy(options?: Omit<WebSocketShardDestroyOptions, "recover">): Promise<void> {
    for (const shard of this.#shards.values()) shard.stop();
    await Promise.all(this.#shards.map((shard) => shard.destroy(options)));
    this.#shards.clear();
  }

  async send(shardId: number, payload: GatewaySendPayload): Promise<void> {
    const shard = this.#shards.get(shardId);
    if (!shard) throw new RangeError(`Shard ${shardId} not found`);
    await shard.send(payload);
  }

  fetchStatus(): Collection<number, WebSocketShardStatus> {
    return this.#shards.mapValues((shard) => shard.status);
  }
}

/** The bot's identity, from READY. */
export interface BotIdentity {
  id: string;
  username: string;
}

/** A discord.js client for one bot account, behind the few operations the adapter needs. */
export class DiscordClient {
  readonly #client: Client;
  readonly #options: DiscordClientOptions;

  constructor(options: DiscordClientOptions) {
    this.#options = options;
    const hooks = options.hooks;
    this.#client = new Client({
      intents: INTENTS,
      // DMs arrive for channels the client has never seen; without this partial they are dropped.
      partials: [Partials.Channel],
      waitGuildTimeout: options.waitGuildTimeoutMs,
      // Messages are read from raw dispatches; caching discord.js Message objects would only cost memory.
      makeCache: Options.cacheWithLimits({ ...Options.DefaultMakeCacheSettings, MessageManager: 0 }),
      rest: {
        ...(options.restApi ? { api: options.restApi } : {}),
        timeout: options.restTimeoutMs,
        retries: options.restRetries,
        rejectOnRateLimit: (data) => data.retryAfter > options.maxRateLimitWaitMs,
      },
      ws: { buildStrategy: (manager) => new ResilientStrategy(manager, options) },
    });
    const client = this.#client;
    client.on(Events.Raw, (packet: { t?: unknown; d?: unknown }) => {
      if (typeof packet.t === "string") hooks.dispatch(packet.t, packet.d);
    });
    client.on(Events.ShardReady, () => hooks.connected("ready"));
    client.on(Events.ShardResume, () => hooks.connected("resumed"));
    client.on(Events.Debug, (message) => hooks.debug(message));
    client.on(Events.Error, (error) => hooks.error(error));
    client.on(Events.ShardError, (error) => hooks.error(error));
    client.rest.on("rateLimited", (info) =>
      hooks.rateLimited({
        method: info.method.toUpperCase(),
        route: info.route,
        retryAfterMs: info.retryAfter,
        global: info.global,
      }),
    );
  }

  /** Logs in and resolves once discord.js reports the client ready (all guilds received). */
  async login(): Promise<BotIdentity> {
    const ready = new Promise<void>((resolve) => this.#client.once(Events.ClientReady, () => resolve()));
    await this.#client.login(this.#options.token);
    await ready;
    const user = this.#client.user;
    if (!user) throw new Error("discord.js reported ready without a user");
    return { id: user.id, username: user.username };
  }

  async destroy(): Promise<void> {
    await this.#client.destroy();
  }

  /** Channel type and thread parent, from the cache or else REST. */
  async channelFacts(channelId: string): Promise<ChannelFacts | undefined> {
    const channel =
      this.#client.channels.cache.get(channelId) ??
      (await this.#client.channels.fetch(channelId).catch(() => null));
    if (!channel) return undefined;
    return { type: channel.type, parentId: "parentId" in channel ? channel.parentId : null };
  }

  /** The bot's managed role(s) in a guild, from GUILD_CREATE. */
  botRoleIds(guildId: string): string[] {
    const user = this.#client.user;
    const role = user ? this.#client.guilds.cache.get(guildId)?.roles.botRoleFor(user) : null;
    return role ? [role.id] : [];
  }

  /** POST /channels/{id}/messages; discord.js REST waits out 429s as the headers say. */
  async postMessage(channelId: string, body: MessageBody): Promise<string> {
    const message = (await this.#client.rest.post(Routes.channelMessages(channelId), { body })) as {
      id: string;
    };
    return message.id;
  }

  async sendTyping(channelId: string): Promise<void> {
    await this.#client.rest.post(Routes.channelTyping(channelId));
  }

  /** The DM channel id with a user (POST /users/@me/channels). */
  async dmChannelId(userId: string): Promise<string> {
    const channel = (await this.#client.rest.post(Routes.userChannels(), {
      body: { recipient_id: userId },
    })) as {
      id: string;
    };
    return channel.id;
  }
}

/** GET /users/@me with a standalone REST client, for probes outside a running connection. */
export async function fetchBotIdentity(options: {
  token: string;
  restApi: string | undefined;
  timeoutMs: number;
}): Promise<BotIdentity> {
  const rest = new REST({
    ...(options.restApi ? { api: options.restApi } : {}),
    timeout: options.timeoutMs,
    retries: 0,
  });
  rest.setToken(options.token);
  const user = (await rest.get(Routes.user())) as { id: string; username: string };
  return { id: user.id, username: user.username };
}
