import { setMaxListeners } from "node:events";
import {
  type AccountHealth,
  assertAccountAffinity,
  type ChannelAdapter,
  createMemoryStore,
  type EnvelopeSink,
  GatewayError,
  type KeyValueStore,
  type Logger,
  NotSupportedError,
  type OutboundMessage,
  type OutboundTarget,
  type ProbeResult,
  type SentMessage,
  silentLogger,
  toGatewayError,
} from "@patchbay/core";
import { type BotIdentity, TelegramClient } from "./client.js";
import type { TelegramAdapterConfig, TelegramChannelDeps } from "./config.js";
import { isAuthError, isTransientError, sendFailureOf, stoppedError } from "./errors.js";
import { HealthMonitor } from "./health-monitor.js";
import { decideInbound } from "./inbound.js";
import { routeOf, sendReply } from "./outbound.js";
import { SendScheduler } from "./pacing.js";
import { runPollLoop } from "./polling.js";
import { UpdateLedger } from "./update-ledger.js";
import { readUpdateId } from "./updates.js";
import { createWebhookReceiver, type WebhookHandler, type WebhookReceiver } from "./webhook.js";

/** Seconds a request may take beyond the long-poll timeout before it counts as hung. */
const REQUEST_TIMEOUT_MARGIN_SECONDS = 30;

/**
 * One Telegram bot account: long polling or webhook in, paced replies out, health and no replays.
 * Reports facts only (who, where, mentioned or not); admission and routing are the gateway's.
 */
export class TelegramChannel implements ChannelAdapter {
  readonly channel = "telegram" as const;
  readonly accountId: string;
  readonly #config: TelegramAdapterConfig;
  readonly #logger: Logger;
  readonly #state: KeyValueStore;
  readonly #stop = new AbortController();
  /** Aborted on stop or when the token is refused: ends the poll loop. */
  readonly #pollStop = new AbortController();
  readonly #client: TelegramClient;
  readonly #scheduler: SendScheduler;
  readonly #health: HealthMonitor;
  readonly #webhook: WebhookReceiver | undefined;
  #sink: EnvelopeSink | undefined;
  #me: BotIdentity | undefined;
  #ledger: UpdateLedger | undefined;
  #pollLoop: Promise<void> | undefined;
  #starting = false;
  #started = false;
  #stopping: Promise<void> | undefined;

  constructor(config: TelegramAdapterConfig, deps: TelegramChannelDeps = {}) {
    this.#config = config;
    this.accountId = config.accountId;
    // Every paced send waits on this signal; dozens at once are normal, not a listener leak.
    setMaxListeners(0, this.#stop.signal);
    const now = deps.now ?? Date.now;
    this.#logger = (deps.logger ?? silentLogger).child({ channel: "telegram", accountId: config.accountId });
    this.#state = deps.state ?? createMemoryStore();
    if (!deps.state) this.#logger.debug("no state store given; the update offset lives in memory only");
    this.#health = new HealthMonitor({ degradedAfter: config.degradedAfterFailures, now });
    this.#client = new TelegramClient({
      accountId: config.accountId,
      token: config.token,
      apiRoot: config.apiRoot,
      requestTimeoutSeconds: config.polling.timeoutSeconds + REQUEST_TIMEOUT_MARGIN_SECONDS,
      retry: config.retry,
      logger: this.#logger,
      signal: this.#stop.signal,
    });
    this.#scheduler = new SendScheduler(config.pacing, { now, signal: this.#stop.signal });
    this.#webhook =
      config.mode === "webhook" && config.webhook
        ? createWebhookReceiver({
            secretToken: config.webhook.secretToken,
            process: (raw) => this.#process(raw),
            accepting: () => this.#started && !this.#stopping,
            logger: this.#logger,
          })
        : undefined;
  }

  /** The bot behind this account (from getMe), once started. */
  get identity(): BotIdentity | undefined {
    return this.#me;
  }

  /**
   * Calls getMe (→ ready), loads the update ledger, then either removes any webhook and starts
   * polling, or registers the webhook with its secret. Rejects with ChannelAuthError (health
   * needs-login) when the token is refused; after any failure, start may be called again.
   */
  async start(sink: EnvelopeSink): Promise<void> {
    if (this.#stopping) throw stoppedError(this.accountId);
    if (this.#starting || this.#started)
      throw new GatewayError("INTERNAL", "start() was already called", this.#where());
    this.#starting = true;
    this.#sink = sink;
    try {
      this.#me = await this.#client.getMe(this.#stop.signal);
      this.#ledger = await UpdateLedger.load(this.#state, {
        accountId: this.accountId,
        botId: this.#me.id,
        windowSize: this.#config.dedupeWindow,
        logger: this.#logger,
      });
      if (this.#config.mode === "webhook" && this.#config.webhook) {
        await this.#client.setWebhook(this.#config.webhook.url, this.#config.webhook.secretToken);
      } else {
        await this.#client.deleteWebhook();
        this.#pollLoop = this.#startPolling(this.#ledger);
      }
      this.#started = true;
      this.#health.ready();
      this.#logger.info("telegram account ready", { bot: `@${this.#me.username}`, mode: this.#config.mode });
    } catch (error) {
      const failure = toGatewayError(error);
      if (isAuthError(failure)) this.#health.needsLogin(failure.message);
      else if (!this.#stop.signal.aborted)
        this.#health.tracker.set("degraded", `start failed: ${failure.message}`);
      this.#logger.error("telegram account failed to start", { error: failure.message, code: failure.code });
      throw failure;
    } finally {
      this.#starting = false;
    }
  }

  /** Stops polling at once, answers webhooks 503, cancels queued sends, lets in-flight ones finish. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      this.#stop.abort(stoppedError(this.accountId));
      this.#pollStop.abort();
      await this.#pollLoop;
      await this.#webhook?.drain();
      await this.#scheduler.drain();
      await this.#ledger?.flush().catch((error: unknown) => {
        this.#logger.error("could not persist the update ledger on stop", { error: String(error) });
      });
      this.#health.stopped();
      this.#logger.info("telegram account stopped");
    })();
    return this.#stopping;
  }

  /**
   * Sends through this account's bot only. Chunks at 4096, paces per chat, replies in the same
   * topic, quotes `replyToId` with the first chunk; ids are `<chatId>:<messageId>`. When a later
   * chunk fails, throws PartialSendError whose `sentIds` are the chunks already delivered.
   */
  async send(target: OutboundTarget, message: OutboundMessage): Promise<SentMessage> {
    assertAccountAffinity(this, target);
    if (this.#stopping) throw stoppedError(this.accountId);
    const route = routeOf(target);
    try {
      const ids = await sendReply(
        {
          sendMessage: (params) => this.#client.sendMessage(params),
          scheduler: this.#scheduler,
          parseMode: this.#config.parseMode,
          logger: this.#logger,
        },
        route,
        message,
      );
      this.#health.success("send");
      return { ids };
    } catch (error) {
      this.#noteFailure("send", sendFailureOf(error));
      throw error;
    }
  }

  /**
   * Shows "typing…" in the target chat (and topic). Telegram clears it after about 5 seconds or
   * when the bot's message arrives, so the gateway repeats it while the agent works. Cosmetic:
   * failures are logged, never thrown (except a wrong account).
   */
  async sendTyping(target: OutboundTarget): Promise<void> {
    assertAccountAffinity(this, target);
    if (this.#stopping) return;
    const route = routeOf(target);
    try {
      await this.#client.sendTyping(route.chatId, route.threadId);
    } catch (error) {
      this.#noteFailure("send", error);
      this.#logger.debug("typing indicator failed", {
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  health(): AccountHealth {
    return this.#health.snapshot();
  }

  /** Asks Telegram who this token belongs to (getMe), with the round-trip time. */
  async probe(): Promise<ProbeResult> {
    const started = performance.now();
    try {
      const me = await this.#client.getMe(this.#stop.signal);
      return {
        ok: true,
        identity: `@${me.username} (${me.id})`,
        latencyMs: Math.round(performance.now() - started),
      };
    } catch (error) {
      return {
        ok: false,
        error: toGatewayError(error).message,
        latencyMs: Math.round(performance.now() - started),
      };
    }
  }

  /**
   * The request handler the gateway mounts at the path of `webhook.url` (webhook mode only).
   * Answers 401 to a missing or wrong secret, 503 before start and after stop.
   */
  webhookHandler(): WebhookHandler {
    if (!this.#webhook) throw new NotSupportedError("webhookHandler() in polling mode", this.#where());
    return this.#webhook.handle;
  }

  #startPolling(ledger: UpdateLedger): Promise<void> {
    return runPollLoop({
      getUpdates: (params, signal) => this.#client.getUpdates(params, signal),
      ledger,
      process: (raw) => this.#process(raw),
      health: this.#health,
      logger: this.#logger,
      onAuthFailure: (error) => this.#onAuthFailure(error),
      options: {
        timeoutSeconds: this.#config.polling.timeoutSeconds,
        limit: this.#config.polling.limit,
        deliveryAttempts: this.#config.deliveryAttempts,
        backoff: this.#config.backoff,
      },
      signal: AbortSignal.any([this.#stop.signal, this.#pollStop.signal]),
    });
  }

  /**
   * The one pipeline both modes share: drop a redelivery, validate and map, await the sink, then
   * commit the update id (the offset moves only past what the gateway has accepted).
   */
  async #process(raw: unknown): Promise<void> {
    const ledger = this.#ledger;
    const sink = this.#sink;
    const me = this.#me;
    if (!ledger || !sink || !me || this.#stopping) throw stoppedError(this.accountId);
    this.#health.tracker.markEvent();
    const updateId = readUpdateId(raw);
    if (updateId !== undefined && ledger.has(updateId)) {
      this.#logger.debug("dropped a redelivered update", { updateId });
      return;
    }
    const decision = decideInbound(raw, { accountId: this.accountId, bot: me });
    if (decision.kind === "drop") {
      this.#logger[decision.level](`dropped update: ${decision.reason}`, { updateId });
    } else {
      try {
        await sink(decision.envelope);
      } catch (error) {
        throw new GatewayError(
          "INTERNAL",
          `the gateway did not accept telegram message ${decision.envelope.id}`,
          {
            ...this.#where(),
            cause: error,
          },
        );
      }
      this.#health.tracker.markInbound();
    }
    if (updateId !== undefined) await ledger.commit(updateId);
  }

  #noteFailure(source: "send", error: unknown): void {
    if (isAuthError(error)) this.#onAuthFailure(toGatewayError(error));
    else if (isTransientError(error)) {
      this.#health.failure(source, error instanceof Error ? error.message : String(error));
    }
  }

  /** The token was refused: needs-login, polling ends (no retry loop), the others carry on. */
  #onAuthFailure(error: GatewayError): void {
    if (this.#health.state !== "needs-login") this.#logger.error(error.message, { code: error.code });
    this.#health.needsLogin(error.message);
    this.#pollStop.abort();
  }

  #where(): { channel: string; accountId: string } {
    return { channel: "telegram", accountId: this.accountId };
  }
}
