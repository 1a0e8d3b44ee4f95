import {
  type AccountHealth,
  assertAccountAffinity,
  type ChannelAdapter,
  ChannelAuthError,
  type EnvelopeSink,
  GatewayError,
  HealthTracker,
  type Logger,
  NotSupportedError,
  type OutboundMessage,
  type OutboundTarget,
  type ProbeResult,
  type SentMessage,
  silentLogger,
} from "@patchbay/core";
import type { SlackApi, SlackIdentity } from "./api.js";
import { type BoltRuntime, createBoltRuntime, createSlackApi } from "./client.js";
import {
  type ResolvedSlackConfig,
  resolveSlackConfig,
  type SlackChannelOptions,
  type SlackMode,
  secretsOf,
} from "./config.js";
import { SlackDirectory } from "./directory.js";
import { toSlackError } from "./errors.js";
import { EventLedger } from "./event-ledger.js";
import {
  createHttpHandler,
  defaultSlackHttpRouter,
  type SlackHttpHandler,
  type SlackHttpRouter,
} from "./http-receiver.js";
import { InboundPipeline } from "./inbound-pipeline.js";
import { SlackSender } from "./outbound.js";
import {
  defaultSlackSocketHub,
  type SlackSocketHub,
  type SocketLease,
  type SocketMember,
} from "./socket-hub.js";

interface Running {
  identity: SlackIdentity;
  bolt: BoltRuntime;
  pipeline: InboundPipeline;
  lease: SocketLease | undefined;
  unroute: (() => void) | undefined;
}

/**
 * One Slack account (a bot in one workspace) on Bolt. Socket Mode accounts share one connection
 * per app token through the SlackSocketHub; HTTP-mode accounts expose `httpHandler()` for the
 * gateway's HTTP server. Reports facts, sends what it is told, never decides policy.
 *
 * No `sendTyping`: Slack gives bots no typing indicator in ordinary conversations (only the legacy
 * RTM API had one; `assistant.threads.setStatus` works in AI-app assistant threads only), so the
 * gateway shows none on Slack.
 */
export class SlackChannel implements ChannelAdapter {
  readonly channel = "slack" as const;
  readonly accountId: string;
  readonly mode: SlackMode;
  readonly #config: ResolvedSlackConfig;
  readonly #secrets: readonly string[];
  readonly #logger: Logger;
  readonly #health: HealthTracker;
  readonly #now: () => number;
  readonly #api: SlackApi;
  readonly #directory: SlackDirectory;
  readonly #ledger: EventLedger;
  readonly #hub: SlackSocketHub;
  readonly #router: SlackHttpRouter;
  #httpHandler: SlackHttpHandler | undefined;
  #sender: SlackSender | undefined;
  #running: Running | undefined;
  #authFailure: ChannelAuthError | undefined;
  readonly #inflight = new Set<Promise<unknown>>();

  constructor(options: SlackChannelOptions) {
    const config = resolveSlackConfig(options);
    this.#config = config;
    this.accountId = config.accountId;
    this.mode = config.mode;
    this.#secrets = secretsOf(config);
    this.#now = options.now ?? Date.now;
    this.#logger = (options.logger ?? silentLogger).child({ channel: "slack", accountId: config.accountId });
    this.#health = new HealthTracker({ now: this.#now });
    this.#hub = options.socketHub ?? defaultSlackSocketHub;
    this.#router = options.httpRouter ?? defaultSlackHttpRouter;
    this.#api = createSlackApi({
      accountId: config.accountId,
      token: config.botToken,
      apiUrl: config.apiUrl,
      retries: config.apiRetries,
      logger: this.#logger.child({ component: "web-api" }),
      secrets: this.#secrets,
    });
    this.#directory = new SlackDirectory(this.#api, this.#logger, {
      resolveUserNames: config.resolveUserNames,
      now: this.#now,
    });
    this.#ledger = new EventLedger({
      store: options.state,
      key: `slack:${config.accountId}:event-ids`,
      size: config.dedupeWindow,
      logger: this.#logger,
    });
  }

  /** Who this account is on Slack, once started. */
  get identity(): SlackIdentity | undefined {
    return this.#running?.identity;
  }

  health(): AccountHealth {
    return this.#health.snapshot();
  }

  async start(sink: EnvelopeSink): Promise<void> {
    if (this.#running)
      throw new GatewayError("INTERNAL", `Slack account "${this.accountId}" is already started`);
    this.#health.set("connecting");
    this.#authFailure = undefined;
    const identity = await this.#authTest();
    await this.#ledger.load();
    const pipeline = new InboundPipeline({
      context: {
        accountId: this.accountId,
        teamId: identity.teamId,
        botUserId: identity.botUserId,
        botId: identity.botId,
      },
      directory: this.#directory,
      logger: this.#logger,
      sink,
      onInbound: () => this.#health.markInbound(),
      onRevoked: (reason) => this.#revoked(reason),
    });
    const bolt = createBoltRuntime(
      {
        accountId: this.accountId,
        token: this.#config.botToken,
        apiUrl: this.#config.apiUrl,
        retries: this.#config.apiRetries,
        logger: this.#logger.child({ component: "bolt" }),
        secrets: this.#secrets,
        botId: identity.botId,
        botUserId: identity.botUserId,
      },
      {
        onMessage: (event) => pipeline.onMessage(event),
        onLifecycle: (event) => pipeline.onLifecycle(event),
      },
    );
    const running: Running = { identity, bolt, pipeline, lease: undefined, unroute: undefined };
    this.#running = running;
    try {
      if (this.mode === "socket") {
        running.lease = await this.#hub.join(this.#socketSettings(), this.#member(identity.teamId));
      } else {
        running.unroute = this.#route(identity.teamId);
        this.#health.set("ready");
      }
    } catch (error) {
      this.#running = undefined;
      const failure =
        error instanceof GatewayError ? error : toSlackError(error, this.#context("apps.connections.open"));
      if (failure instanceof ChannelAuthError) this.#needsLogin(failure);
      else this.#health.set("degraded", failure.message);
      throw failure;
    }
    this.#logger.info("Slack account started", {
      mode: this.mode,
      teamId: identity.teamId,
      botUserId: identity.botUserId,
    });
  }

  async stop(): Promise<void> {
    const running = this.#running;
    this.#running = undefined;
    this.#sender?.abort();
    this.#sender = undefined;
    running?.unroute?.();
    await running?.lease?.leave();
    await Promise.allSettled([...this.#inflight]);
    if (this.#health.state !== "stopped") this.#health.set("stopped");
  }

  async send(target: OutboundTarget, message: OutboundMessage): Promise<SentMessage> {
    assertAccountAffinity(this, target);
    if (this.#authFailure) throw this.#authFailure;
    this.#sender ??= new SlackSender(
      this.#api,
      this.#directory,
      {
        accountId: this.accountId,
        chunkLimit: this.#config.textChunkLimit,
        rateLimit: this.#config.rateLimit,
        secrets: this.#secrets,
        logger: this.#logger,
        now: this.#now,
      },
      { onAuthFailure: (error) => this.#needsLogin(error) },
    );
    const sending = this.#sender.send(target, message);
    this.#inflight.add(sending);
    try {
      return await sending;
    } finally {
      this.#inflight.delete(sending);
    }
  }

  async probe(): Promise<ProbeResult> {
    const started = this.#now();
    try {
      const id = await this.#api.authTest();
      const who = id.botName ? `@${id.botName} (${id.botUserId})` : id.botUserId;
      return {
        ok: true,
        identity: `${who} in ${id.teamName ?? id.teamId} (${id.teamId})`,
        latencyMs: this.#now() - started,
      };
    } catch (error) {
      const failure = toSlackError(error, this.#context("auth.test"));
      return { ok: false, error: failure.message, latencyMs: this.#now() - started };
    }
  }

  /**
   * The Events API endpoint of this account (HTTP mode), to mount on the gateway's HTTP server
   * at the app's Request URL path. Requests are verified with this account's signing secret and
   * routed to whichever started account of the same app serves the event's workspace.
   */
  httpHandler(): SlackHttpHandler {
    const signingSecret = this.#config.signingSecret;
    if (this.mode !== "http" || !signingSecret) {
      throw new NotSupportedError("httpHandler() in Socket Mode", {
        channel: "slack",
        accountId: this.accountId,
      });
    }
    this.#httpHandler ??= createHttpHandler(
      { signingSecret, now: this.#now, logger: this.#logger.child({ component: "events-api" }) },
      this.#router,
    );
    return this.#httpHandler;
  }

  /** One Events API body for this account (from the socket hub or the HTTP router). */
  async #handleEvent(event: { body: Record<string, unknown>; retryNum?: number; retryReason?: string }) {
    const running = this.#running;
    if (!running)
      throw new GatewayError("CONNECTION_FAILED", `Slack account "${this.accountId}" is not running`);
    this.#health.markEvent();
    const eventId = typeof event.body.event_id === "string" ? event.body.event_id : undefined;
    if (eventId !== undefined && !this.#ledger.claim(eventId)) {
      this.#logger.debug("Duplicate Slack event dropped", {
        eventId,
        retryNum: event.retryNum,
        retryReason: event.retryReason,
      });
      return;
    }
    try {
      await running.bolt.dispatch(event.body, event.retryNum, event.retryReason);
    } catch (error) {
      if (eventId !== undefined) this.#ledger.release(eventId);
      throw error;
    }
    if (eventId !== undefined) await this.#ledger.persist();
  }

  async #authTest(): Promise<SlackIdentity> {
    try {
      return await this.#api.authTest();
    } catch (error) {
      const failure = toSlackError(error, this.#context("auth.test"));
      if (failure instanceof ChannelAuthError) this.#needsLogin(failure);
      else this.#health.set("degraded", failure.message);
      throw failure;
    }
  }

  #needsLogin(error: ChannelAuthError): void {
    this.#authFailure = error;
    this.#health.set("needs-login", error.message);
    this.#logger.error(error.message);
  }

  #revoked(reason: string): void {
    this.#needsLogin(
      new ChannelAuthError("slack", this.accountId, `Slack account "${this.accountId}": ${reason}`),
    );
  }

  #context(method: string) {
    return { accountId: this.accountId, method, credential: "bot token" as const, secrets: this.#secrets };
  }

  #route(teamId: string): () => void {
    const secret = this.#config.signingSecret as string;
    const other = this.#router.get(secret, teamId);
    if (other && other.accountId !== this.accountId) {
      throw new GatewayError(
        "CONFIG_INVALID",
        `Slack accounts "${other.accountId}" and "${this.accountId}" both serve workspace ${teamId} with the same app`,
        { channel: "slack", accountId: this.accountId },
      );
    }
    return this.#router.add(secret, teamId, {
      accountId: this.accountId,
      handle: (e) => this.#handleEvent(e),
    });
  }

  #socketSettings() {
    const c = this.#config;
    return {
      appToken: c.appToken as string,
      apiUrl: c.apiUrl,
      logger: this.#logger,
      secrets: this.#secrets,
      clientPingTimeoutMs: c.socket.clientPingTimeoutMs,
      serverPingTimeoutMs: c.socket.serverPingTimeoutMs,
      helloTimeoutMs: c.socket.helloTimeoutMs,
      reconnect: c.reconnect,
    };
  }

  #member(teamId: string): SocketMember {
    return {
      accountId: this.accountId,
      teamId,
      logger: this.#logger,
      deliver: (event) => this.#handleEvent(event),
      onState: (state, reason) => {
        // A refused bot token outranks a healthy socket: stay in needs-login.
        if (this.#authFailure && state !== "needs-login") return;
        if (state === "needs-login" && this.#health.state !== "needs-login")
          this.#logger.error(reason ?? state);
        this.#health.set(state, reason);
      },
      onReconnected: () => this.#health.markReconnect(),
    };
  }
}
