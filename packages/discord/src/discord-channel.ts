import {
  type AccountHealth,
  assertAccountAffinity,
  type ChannelAdapter,
  DedupeWindow,
  type EnvelopeSink,
  GatewayError,
  HealthTracker,
  type Logger,
  type OutboundMessage,
  type OutboundTarget,
  PartialSendError,
  type ProbeResult,
  redactSecrets,
  type SentMessage,
  silentLogger,
} from "@patchbay/core";
import { type BotIdentity, DiscordClient, fetchBotIdentity, type GatewayHooks } from "./client.js";
import {
  type DiscordChannelConfig,
  type DiscordChannelOptions,
  parseDiscordChannelConfig,
} from "./config.js";
import { type ErrorContext, fatalCloseError, loginFailure, toDiscordError } from "./errors.js";
import { type ChannelFacts, parseRawMessage, type RawMessage, readyUserId, toEnvelope } from "./inbound.js";
import { type AllowedMentionsBody, allowedMentions, buildMessageBodies } from "./outbound.js";

const DEFAULTS = {
  waitGuildTimeoutMs: 15_000,
  startTimeoutMs: 60_000,
  identifyIntervalMs: 5_000,
  restTimeoutMs: 15_000,
  restRetries: 3,
  maxRateLimitWaitMs: 60_000,
  typingIntervalMs: 8_000,
} as const;

/** discord.js debug lines that are noise (heartbeats) or carry part of the token. */
const QUIET_DEBUG = /Provided token|Heartbeat acknowledged|heartbeat/i;

/**
 * One Discord bot account: a discord.js client whose gateway reconnects with backoff, resumes
 * without losing messages, and stops for good on a refused token (4004) or intent (4014).
 * Inbound MESSAGE_CREATEs become envelopes delivered one at a time to the sink; replies go out
 * through this bot only, chunked, with pings limited by `allowed_mentions`.
 */
export class DiscordChannel implements ChannelAdapter {
  readonly channel = "discord";
  readonly accountId: string;
  readonly #config: DiscordChannelConfig;
  readonly #logger: Logger;
  readonly #health: HealthTracker;
  readonly #random: (() => number) | undefined;
  readonly #mentions: AllowedMentionsBody;
  readonly #errors: ErrorContext;
  readonly #dedupe = new DedupeWindow(2_000);
  readonly #dmChannels = new Map<string, string>();
  readonly #inflight = new Set<Promise<unknown>>();
  #client: DiscordClient | null = null;
  #identity: BotIdentity | null = null;
  #botUserId: string | undefined;
  #sink: EnvelopeSink | null = null;
  #queue: Promise<void> = Promise.resolve();
  #running = false;
  /** Set by stop(): messages arriving from then on are not queued. */
  #stopping = false;
  #fatal: GatewayError | null = null;

  constructor(options: DiscordChannelOptions) {
    const { logger, now, random, onHealthChange, ...data } = options;
    this.#config = parseDiscordChannelConfig(data);
    this.accountId = this.#config.accountId;
    this.#logger = (logger ?? silentLogger).child({ channel: "discord", accountId: this.accountId });
    this.#health = new HealthTracker({
      ...(now ? { now } : {}),
      ...(onHealthChange ? { onChange: onHealthChange } : {}),
    });
    this.#random = random;
    this.#mentions = allowedMentions(this.#config.allowedMentions);
    this.#errors = { accountId: this.accountId, secrets: [this.#config.token] };
  }

  /** The bot's identity once started. */
  get identity(): BotIdentity | null {
    return this.#identity;
  }

  async start(sink: EnvelopeSink): Promise<void> {
    if (this.#client)
      throw new GatewayError("INTERNAL", `Discord account "${this.accountId}" is already started`);
    this.#sink = sink;
    this.#fatal = null;
    this.#stopping = false;
    this.#health.set("connecting");
    const config = this.#config;
    const client = new DiscordClient({
      token: config.token,
      restApi: config.restApi,
      waitGuildTimeoutMs: config.waitGuildTimeoutMs ?? DEFAULTS.waitGuildTimeoutMs,
      restTimeoutMs: config.rest?.timeoutMs ?? DEFAULTS.restTimeoutMs,
      restRetries: config.rest?.retries ?? DEFAULTS.restRetries,
      maxRateLimitWaitMs: config.rest?.maxRateLimitWaitMs ?? DEFAULTS.maxRateLimitWaitMs,
      identifyIntervalMs: config.identifyIntervalMs ?? DEFAULTS.identifyIntervalMs,
      reconnect: { ...config.reconnect, ...(this.#random ? { random: this.#random } : {}) },
      hooks: this.#hooks(),
    });
    this.#client = client;
    try {
      this.#identity = await withTimeout(
        client.login(),
        config.startTimeoutMs ?? DEFAULTS.startTimeoutMs,
        () => {
          return new GatewayError("TIMEOUT", `Discord account "${this.accountId}" was not ready in time`, {
            channel: "discord",
            accountId: this.accountId,
          });
        },
      );
    } catch (error) {
      const failure =
        this.#fatal ?? loginFailure(toDiscordError(error, this.#errors, "log in"), this.accountId);
      this.#client = null;
      await client.destroy().catch(() => undefined);
      if (failure.code === "AUTH_FAILED") this.#health.set("needs-login", failure.message);
      else this.#health.set("stopped", failure.message);
      this.#logger.error("discord login failed", { code: failure.code, error: failure.message });
      throw failure;
    }
    this.#running = true;
    this.#health.set("ready");
    this.#logger.info("discord connected", {
      botUserId: this.#identity.id,
      username: this.#identity.username,
    });
  }

  /**
   * Finishes in-flight sends, hands every message received so far to the sink (Discord never
   * redelivers a message once it was dispatched, so dropping the queue would lose it), then
   * disconnects. Messages arriving after stop() was called are logged and not delivered.
   */
  async stop(): Promise<void> {
    this.#running = false;
    this.#stopping = true;
    await Promise.allSettled([...this.#inflight]);
    await this.#queue;
    const client = this.#client;
    this.#client = null;
    await client
      ?.destroy()
      .catch((error: unknown) => this.#logger.warn("discord destroy failed", { error: this.#clean(error) }));
    await this.#queue;
    this.#health.set("stopped");
  }

  health(): AccountHealth {
    return this.#health.snapshot();
  }

  /**
   * Sends through this bot only: chunked at 2000 characters (and `maxLinesPerMessage`), the first
   * chunk replying to `replyToId`, pings limited by `allowed_mentions`. When a later chunk fails,
   * throws PartialSendError whose `sentIds` are the chunks already delivered.
   */
  async send(target: OutboundTarget, message: OutboundMessage): Promise<SentMessage> {
    assertAccountAffinity(this, target);
    const bodies = buildMessageBodies(message, {
      allowedMentions: this.#mentions,
      ...(this.#config.maxLinesPerMessage !== undefined
        ? { maxLinesPerMessage: this.#config.maxLinesPerMessage }
        : {}),
    });
    if (bodies.length === 0) return { ids: [] };
    return this.#track(async () => {
      const client = this.#requireClient();
      const channelId = await this.#resolveChannel(client, target);
      const ids: string[] = [];
      for (const body of bodies) {
        try {
          ids.push(await client.postMessage(channelId, body));
        } catch (error) {
          const failure = toDiscordError(error, this.#errors, `send a message to channel ${channelId}`);
          // Parts already in the channel cannot be taken back; say which, rather than losing their ids.
          throw ids.length > 0 ? new PartialSendError(ids, bodies.length, failure) : failure;
        }
      }
      return { ids };
    });
  }

  async sendTyping(target: OutboundTarget): Promise<void> {
    assertAccountAffinity(this, target);
    await this.#track(async () => {
      const client = this.#requireClient();
      const channelId = await this.#resolveChannel(client, target);
      try {
        await client.sendTyping(channelId);
      } catch (error) {
        throw toDiscordError(error, this.#errors, `show typing in channel ${channelId}`);
      }
    });
  }

  /**
   * Shows the typing indicator until the returned function is called (Discord clears it after
   * ~10 s, so it is renewed every `typingIntervalMs`). Failures are logged, never thrown.
   */
  startTyping(target: OutboundTarget): () => void {
    const tick = () =>
      this.sendTyping(target).catch((error: unknown) =>
        this.#logger.debug("typing failed", { error: this.#clean(error) }),
      );
    void tick();
    const timer = setInterval(tick, this.#config.typingIntervalMs ?? DEFAULTS.typingIntervalMs);
    timer.unref?.();
    return () => clearInterval(timer);
  }

  async probe(): Promise<ProbeResult> {
    const started = Date.now();
    try {
      const me = await fetchBotIdentity({
        token: this.#config.token,
        restApi: this.#config.restApi,
        timeoutMs: this.#config.rest?.timeoutMs ?? DEFAULTS.restTimeoutMs,
      });
      return { ok: true, identity: `${me.username} (${me.id})`, latencyMs: Date.now() - started };
    } catch (error) {
      return {
        ok: false,
        error: toDiscordError(error, this.#errors, "probe").message,
        latencyMs: Date.now() - started,
      };
    }
  }

  #hooks(): GatewayHooks {
    return {
      dispatch: (type, data) => {
        this.#health.markEvent();
        if (type === "READY") this.#botUserId = readyUserId(data) ?? this.#botUserId;
        if (type === "MESSAGE_CREATE") this.#onMessage(data);
      },
      heartbeat: () => this.#health.markEvent(),
      connected: (kind) => {
        if (!this.#running || this.#fatal) return;
        this.#health.set("ready");
        this.#logger.info(kind === "resumed" ? "discord session resumed" : "discord session re-identified");
      },
      reconnecting: (plan) => {
        this.#health.markReconnect();
        const how = plan.resume ? "resuming" : "identifying afresh";
        const reason = `reconnecting after close ${plan.code ?? "(none)"}: ${how} in ${plan.delayMs} ms (attempt ${plan.attempt})`;
        this.#health.set("degraded", reason);
        this.#logger.warn("discord gateway reconnecting", {
          code: plan.code,
          resume: plan.resume,
          delayMs: plan.delayMs,
          attempt: plan.attempt,
        });
      },
      fatalClose: (code) => {
        const error = fatalCloseError(code, this.#errors);
        this.#fatal = error;
        this.#health.set(error.code === "AUTH_FAILED" ? "needs-login" : "stopped", error.message);
        this.#logger.error("discord gateway closed for good", { code, error: error.message });
      },
      rateLimited: (info) => this.#logger.info("discord rate limit: waiting as Discord asks", { ...info }),
      identifyBudgetExhausted: (resetAt) => {
        const reason = `daily identify budget spent; next identify after ${new Date(resetAt).toISOString()}`;
        this.#health.set("degraded", reason);
        this.#logger.warn("discord identify budget spent", { resetAt });
      },
      debug: (message) => {
        if (!QUIET_DEBUG.test(message)) this.#logger.debug(this.#clean(message));
      },
      error: (error) => this.#logger.warn("discord client error", { error: this.#clean(error) }),
    };
  }

  #onMessage(data: unknown): void {
    const parsed = parseRawMessage(data);
    if (!parsed.ok) {
      this.#logger.warn("dropped malformed discord message", {
        reason: parsed.reason,
        issues: parsed.issues,
      });
      return;
    }
    const message = parsed.message;
    if (message.author.id === this.#botUserId) return;
    if (this.#stopping) {
      this.#logger.warn("discord message arrived while stopping; not delivered", { messageId: message.id });
      return;
    }
    if (!this.#dedupe.add(message.id)) {
      this.#logger.debug("dropped duplicate discord message", { messageId: message.id });
      return;
    }
    this.#logger.debug("discord message received", { messageId: message.id, channelId: message.channel_id });
    // One at a time, in gateway order: the sink is awaited before the next message is handed over.
    this.#queue = this.#queue.then(() => this.#deliver(message, data));
  }

  async #deliver(message: RawMessage, raw: unknown): Promise<void> {
    const client = this.#client;
    const sink = this.#sink;
    const botUserId = this.#botUserId;
    if (!client || !sink || !botUserId) {
      this.#logger.warn("discord message not delivered: the account is not running", {
        messageId: message.id,
      });
      return;
    }
    try {
      const facts: ChannelFacts | undefined = message.guild_id
        ? await client.channelFacts(message.channel_id)
        : message.channel_type !== undefined
          ? { type: message.channel_type }
          : undefined;
      if (message.guild_id && !facts) {
        this.#logger.warn("unknown discord channel; treating as a plain channel", {
          channelId: message.channel_id,
        });
      }
      const envelope = toEnvelope(message, raw, {
        accountId: this.accountId,
        botUserId,
        channel: facts,
        botRoleIds: message.guild_id ? client.botRoleIds(message.guild_id) : [],
      });
      if (!envelope) return;
      this.#health.markInbound();
      await sink(envelope);
    } catch (error) {
      this.#logger.error("discord inbound delivery failed", {
        messageId: message.id,
        error: this.#clean(error),
      });
    }
  }

  async #resolveChannel(client: DiscordClient, target: OutboundTarget): Promise<string> {
    if (target.threadId) return target.threadId;
    if (target.peer.kind !== "direct") return target.peer.id;
    // A direct peer is the user id (spec §2.1); Discord needs the DM channel for it.
    const cached = this.#dmChannels.get(target.peer.id);
    if (cached) return cached;
    try {
      const channelId = await client.dmChannelId(target.peer.id);
      this.#dmChannels.set(target.peer.id, channelId);
      return channelId;
    } catch (error) {
      throw toDiscordError(error, this.#errors, `open a DM with user ${target.peer.id}`);
    }
  }

  #requireClient(): DiscordClient {
    if (this.#client && this.#running) return this.#client;
    throw new GatewayError("CONNECTION_FAILED", `Discord account "${this.accountId}" is not started`, {
      channel: "discord",
      accountId: this.accountId,
    });
  }

  async #track<T>(work: () => Promise<T>): Promise<T> {
    const promise = work();
    this.#inflight.add(promise);
    try {
      return await promise;
    } finally {
      this.#inflight.delete(promise);
    }
  }

  #clean(value: unknown): string {
    const text = value instanceof Error ? value.message : String(value);
    return redactSecrets(text, this.#errors.secrets);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(onTimeout()), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
