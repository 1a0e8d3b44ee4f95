import { createServer, type Server } from "node:http";
import { ConditionWaiters } from "../condition-waiters.js";
import { closeServer, listenOnLoopback } from "../net.js";
import { createApiHandler } from "./api-server.js";
import { Deliverer, type DeliveryOptions, type EventDelivery } from "./delivery.js";
import {
  eventCallback,
  integrationEvent,
  type MessageSpec,
  messageEvent,
  type UserMessage,
  type UserMessageInput,
  userMessageEvents,
} from "./events.js";
import { type SlackFaultSpec, SlackFaults } from "./faults.js";
import type { HttpDelivery, SignatureMode } from "./http-events.js";
import { type PostFilter, PostLog } from "./post-log.js";
import { type SocketDelivery, SocketModeServer } from "./socket-mode.js";
import { type FakeApiCall, type FakePostedMessage, SlackWebApi } from "./web-api.js";
import type { SlackEventCallback, SlackWireEvent } from "./wire.js";
import {
  type FakeApp,
  type FakeConversation,
  type FakeConversationKind,
  type FakeInstallation,
  type FakeUser,
  type FakeWorkspace,
  SlackWorld,
} from "./world.js";

export interface FakeSlackOptions {
  /** Clock for event times, request timestamps and message ts (default `Date.now`). */
  now?: () => number;
  /** WebSocket ping interval per Socket Mode connection (default 10 s). */
  pingIntervalMs?: number;
  /** How long a Socket Mode delivery waits for the app's ack (default 3 s, Slack's own deadline). */
  ackTimeoutMs?: number;
  /** Answer Socket Mode clients' WebSocket pings (default true); false makes every link look dead. */
  answerPings?: boolean;
  /** Echo every bot post back to the workspace's apps as a `message` event, as Slack does (default true). */
  echoBotMessages?: boolean;
}

/**
 * A fake Slack on 127.0.0.1: the Web API under `/api/`, Socket Mode over WebSocket, and signed
 * Events API requests to apps' HTTP endpoints. Several workspaces and apps; records every call and
 * which token made it; scripted faults. No test-framework imports, so the gateway's dev playground
 * can run it too.
 */
export class FakeSlack {
  readonly world = new SlackWorld();
  readonly #now: () => number;
  readonly #echo: boolean;
  readonly #waiters = new ConditionWaiters("Fake Slack");
  readonly #faults = new SlackFaults();
  readonly #calls: FakeApiCall[] = [];
  readonly #posts = new PostLog(this.#waiters);
  readonly #deliveries: EventDelivery[] = [];
  readonly #pendingEchoes = new Set<Promise<unknown>>();
  readonly #sockets: SocketModeServer;
  readonly #api: SlackWebApi;
  readonly #deliverer: Deliverer;
  #server: Server | undefined;
  #port = 0;
  #tsSeq = 0;
  #eventSeq = 0;

  constructor(options: FakeSlackOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#echo = options.echoBotMessages ?? true;
    this.#sockets = new SocketModeServer({
      waiters: this.#waiters,
      pingIntervalMs: options.pingIntervalMs ?? 10_000,
      ackTimeoutMs: options.ackTimeoutMs ?? 3_000,
      answerPings: options.answerPings ?? true,
    });
    this.#deliverer = new Deliverer(this.world, this.#sockets, this.#now);
    this.#api = new SlackWebApi(this.world, {
      socketUrl: (appId) =>
        `ws://127.0.0.1:${this.#port}/link/?ticket=${this.#sockets.issueTicket(appId)}&app_id=${appId}`,
      nextTs: () => this.nextTs(),
      posted: (message) => this.#posted(message),
    });
  }

  /** Starts listening on 127.0.0.1 (`port`, default random) and returns the base URL. */
  async start(port = 0): Promise<string> {
    const server = createServer(
      createApiHandler({
        api: this.#api,
        faults: this.#faults,
        calls: this.#calls,
        changed: () => this.#waiters.changed(),
      }),
    );
    this.#sockets.attach(server);
    this.#port = await listenOnLoopback(server, port);
    this.#server = server;
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    this.#waiters.failAll("stopped");
    this.#sockets.close();
    await Promise.allSettled([...this.#pendingEchoes]);
    if (this.#server) await closeServer(this.#server);
    this.#server = undefined;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** The Web API root to give the SDK (`slackApiUrl`), trailing slash included. */
  get apiUrl(): string {
    return `${this.baseUrl}/api/`;
  }

  // ---- world ----

  addWorkspace(input?: { id?: string; name?: string; domain?: string }): FakeWorkspace {
    return this.world.addWorkspace(input);
  }

  addApp(input?: { id?: string; appToken?: string; signingSecret?: string; eventUrl?: string }): FakeApp {
    return this.world.addApp(input);
  }

  install(
    appId: string,
    teamId: string,
    input?: { botToken?: string; botUserId?: string; botId?: string; botName?: string },
  ): FakeInstallation {
    return this.world.install(appId, teamId, input);
  }

  addUser(
    teamId: string,
    input: { id?: string; name: string; realName?: string; isBot?: boolean },
  ): FakeUser {
    return this.world.addUser(teamId, input);
  }

  addChannel(
    teamId: string,
    input: {
      id?: string;
      name?: string;
      kind?: Exclude<FakeConversationKind, "im">;
      members?: string[];
    } = {},
  ): FakeConversation {
    return this.world.addConversation(teamId, input);
  }

  /** The DM between `userId` and the workspace's bots. */
  imWith(teamId: string, userId: string): FakeConversation {
    return this.world.imWith(teamId, userId);
  }

  /** Where the app receives signed Events API requests (HTTP mode); undefined removes it. */
  setEventUrl(appId: string, url: string | undefined): void {
    this.world.requireApp(appId).eventUrl = url;
  }

  nextTs(): string {
    this.#tsSeq += 1;
    return `${Math.floor(this.#now() / 1000)}.${String(this.#tsSeq % 1_000_000).padStart(6, "0")}`;
  }

  nextEventId(): string {
    this.#eventSeq += 1;
    return `Ev${(0x10000000 + this.#eventSeq).toString(36).toUpperCase()}`;
  }

  // ---- inbound scripting ----

  /** A user posts `text`; each app installed in the workspace gets the events Slack would send. */
  async userSays(input: UserMessageInput): Promise<UserMessage> {
    const conversation = this.world.requireConversation(input.channel);
    const ts = this.nextTs();
    const parentUserId = input.threadTs ? this.world.authorOf(conversation.id, input.threadTs) : undefined;
    const spec: MessageSpec = {
      conversation,
      user: input.user,
      text: input.text,
      ts,
      ...(input.threadTs ? { threadTs: input.threadTs } : {}),
      ...(parentUserId ? { parentUserId } : {}),
      ...(input.subtype ? { subtype: input.subtype } : {}),
      ...(input.files ? { files: input.files } : {}),
    };
    const targets = this.world
      .installationsIn(conversation.teamId)
      .filter((i) => input.appIds === undefined || input.appIds.includes(i.appId));
    const pending = userMessageEvents(spec, targets, input.appMention).map(({ installation, event }) =>
      this.sendEvent(installation, event, input),
    );
    this.world.recordAuthor(conversation.id, ts, input.user);
    return { ts, deliveries: await Promise.all(pending) };
  }

  /**
   * Another bot (an integration, not one of the fake's installed apps) posts in `channel`: a
   * `bot_message` without a user, as incoming webhooks and legacy bots produce.
   */
  async integrationSays(
    input: { channel: string; botId: string; name: string; text: string } & DeliveryOptions,
  ) {
    const conversation = this.world.requireConversation(input.channel);
    const ts = this.nextTs();
    const event = integrationEvent(conversation, { ...input, ts });
    const targets = this.world.installationsIn(conversation.teamId);
    return { ts, deliveries: await Promise.all(targets.map((i) => this.sendEvent(i, event, input))) };
  }

  /** Wraps `event` for the app of `installation` (fresh event_id) and delivers it. */
  sendEvent(installation: FakeInstallation, event: SlackWireEvent, options: DeliveryOptions = {}) {
    const body = eventCallback(installation, event, this.nextEventId(), Math.floor(this.#now() / 1000));
    return this.deliver(installation.appId, body, options);
  }

  /** Delivers an Events API body to `appId`: over Socket Mode when connected, else to its event URL. */
  async deliver(
    appId: string,
    body: SlackEventCallback,
    options: DeliveryOptions = {},
  ): Promise<EventDelivery> {
    const delivery = await this.#deliverer.deliver(appId, body, options);
    this.#deliveries.push(delivery);
    return delivery;
  }

  /** Slack's retry of an earlier delivery: the same body and event_id, marked as retry `retryNum`. */
  redeliver(delivery: EventDelivery, options: DeliveryOptions = {}): Promise<EventDelivery> {
    return this.deliver(delivery.appId, delivery.body, { retryNum: 1, ...options });
  }

  /** Sends any raw body (valid JSON or not) to the app's event URL, signed per `options.signature`. */
  postRaw(appId: string, rawBody: string, options: DeliveryOptions = {}): Promise<HttpDelivery> {
    return this.#deliverer.postRaw(appId, rawBody, options);
  }

  /** Pushes a raw Socket Mode envelope payload (for malformed-payload tests). */
  sendRawEnvelope(appId: string, payload: unknown): Promise<SocketDelivery> {
    return this.#deliverer.rawEnvelope(appId, payload);
  }

  /** Slack's Request URL check: returns the endpoint's answer to a signed url_verification. */
  urlVerification(
    appId: string,
    challenge = "fake-challenge",
    signature?: SignatureMode,
  ): Promise<HttpDelivery> {
    const raw = JSON.stringify({ token: "fake-verification-token", challenge, type: "url_verification" });
    return this.postRaw(appId, raw, signature ? { signature } : {});
  }

  // ---- observations ----

  get calls(): readonly FakeApiCall[] {
    return this.#calls;
  }

  callsTo(method: string): FakeApiCall[] {
    return this.#calls.filter((c) => c.method === method);
  }

  /** Waits until `method` has been called at least `count` times (faulted calls included). */
  waitForCalls(method: string, count: number, timeoutMs = 5_000): Promise<FakeApiCall[]> {
    return this.#waiters.until(
      () => {
        const calls = this.callsTo(method);
        return calls.length >= count ? calls : undefined;
      },
      timeoutMs,
      `${count} calls to ${method}`,
    );
  }

  /** Every successful chat.postMessage, oldest first. */
  get posts(): readonly FakePostedMessage[] {
    return this.#posts.all;
  }

  get deliveries(): readonly EventDelivery[] {
    return this.#deliveries;
  }

  /** The oldest post matching `filter` not yet returned by `nextPost`, waiting for one if needed. */
  nextPost(filter: PostFilter = {}, timeoutMs = 5_000): Promise<FakePostedMessage> {
    return this.#posts.next(filter, timeoutMs);
  }

  /** Waits until `count` posts match `filter` (returned by nextPost or not) and returns them. */
  waitForPosts(count: number, filter: PostFilter = {}, timeoutMs = 5_000): Promise<FakePostedMessage[]> {
    return this.#posts.waitFor(count, filter, timeoutMs);
  }

  socketConnections(appId: string): number {
    return this.#sockets.connectionCount(appId);
  }

  /** Socket Mode connections `appId` opened since start (each reconnect adds one). */
  socketsOpened(appId: string): number {
    return this.#sockets.openedCount(appId);
  }

  /** Waits until `appId` has opened at least `opened` connections in total and has `open` open now. */
  waitForSockets(appId: string, want: { open?: number; opened?: number }, timeoutMs = 5_000): Promise<void> {
    return this.#waiters
      .until(
        () => {
          const openOk = want.open === undefined || this.#sockets.connectionCount(appId) === want.open;
          const openedOk = want.opened === undefined || this.#sockets.openedCount(appId) >= want.opened;
          return openOk && openedOk ? true : undefined;
        },
        timeoutMs,
        `Socket Mode connections of ${appId}: ${JSON.stringify(want)}`,
      )
      .then(() => undefined);
  }

  wasAcked(envelopeId: string): boolean {
    return this.#sockets.hasAck(envelopeId);
  }

  // ---- faults ----

  /** Scripts a Web API fault (429 with Retry-After, a platform error, an HTTP status). */
  fail(spec: SlackFaultSpec): void {
    this.#faults.add(spec);
  }

  clearFaults(): void {
    this.#faults.clear();
  }

  /** Every later call with `token` gets `token_revoked` (bot or app token). */
  revokeToken(token: string): void {
    this.world.revoke(token);
  }

  /** Sends Slack's `disconnect` message to every connection of `appId`; returns how many. */
  disconnectSockets(appId: string, reason?: string): number {
    return this.#sockets.disconnect(appId, reason);
  }

  /** Drops every connection of `appId` without a close frame; returns how many. */
  dropSockets(appId: string): number {
    return this.#sockets.drop(appId);
  }

  // ---- internals ----

  #posted(message: FakePostedMessage): void {
    this.#posts.add(message);
    this.world.recordAuthor(message.channel, message.ts, message.botUserId);
    if (this.#echo) this.#echoPost(message);
  }

  /** Slack delivers a bot's own post back to the workspace's apps as a message event. */
  #echoPost(message: FakePostedMessage): void {
    const conversation = this.world.conversations.get(message.channel);
    const installation = this.world.installationByToken(message.token);
    if (!conversation || !installation) return;
    const spec: MessageSpec = {
      conversation,
      user: message.botUserId,
      text: message.text,
      ts: message.ts,
      bot: { botId: installation.botId, name: installation.botName, appId: installation.appId },
      ...(message.threadTs ? { threadTs: message.threadTs } : {}),
    };
    for (const target of this.world.installationsIn(conversation.teamId)) {
      const canDeliver =
        this.#sockets.connectionCount(target.appId) > 0 || this.world.apps.get(target.appId)?.eventUrl;
      if (!canDeliver) continue;
      const echo = this.sendEvent(target, messageEvent(spec)).catch(() => undefined);
      this.#pendingEchoes.add(echo);
      void echo.finally(() => this.#pendingEchoes.delete(echo));
    }
  }
}
