import { createServer, type Server } from "node:http";
import { closeServer, listenOnLoopback } from "../net.js";
import { FakeGateway, type GatewayOutage, type GatewayRecord } from "./gateway.js";
import { createMessage, guildCreatePayload } from "./payloads.js";
import { type BotMessageRecord, FakeRest, type RateLimitFault, type RestRecord } from "./rest.js";
import type { DcChannel, DcMessage, DcRole, DcSessionStartLimit, DcUser, Snowflake } from "./wire.js";
import {
  type AddBotOptions,
  type AddUserOptions,
  type AttachmentInput,
  DiscordWorld,
  type FakeBot,
} from "./world.js";

export interface FakeDiscordOptions {
  /** HELLO's heartbeat interval; Discord uses 41250 ms, tests want a few hundred. Default 41250. */
  heartbeatIntervalMs?: number;
  /** Clock for message timestamps. */
  now?: () => number;
  /** Fixed port (dev playground); default: a random free port. */
  port?: number;
}

export interface SayOptions {
  /** The user (or bot) speaking. */
  from: Snowflake;
  /** Guild channel, thread, DM or group DM id. */
  in: Snowflake;
  text: string;
  /** Reply to this message id. */
  replyTo?: Snowflake;
  attachments?: AttachmentInput[];
}

export interface TypingRecord {
  botId: Snowflake;
  channelId: Snowflake;
}

interface Waiter {
  match: (record: BotMessageRecord) => boolean;
  resolve: (record: BotMessageRecord) => void;
}

/**
 * A fake Discord on 127.0.0.1: REST (`<base>/api/v10/...`) and the gateway WebSocket on the same
 * port, for any number of bots. Build a world (guilds, roles, members, channels, threads, DMs),
 * make users talk, await what bots send, and inject faults. No test framework inside, so the
 * gateway's dev playground can run it too.
 *
 * Point discord.js at it with `rest: { api: fake.restApi }`; the gateway URL comes from
 * `GET /gateway/bot`, exactly as with Discord.
 */
export class FakeDiscord {
  readonly world: DiscordWorld;
  readonly #gateway: FakeGateway;
  readonly #rest: FakeRest;
  readonly #server: Server;
  readonly #port: number;
  readonly #sent: Array<BotMessageRecord & { consumed: boolean }> = [];
  readonly #typing: TypingRecord[] = [];
  readonly #waiters = new Set<Waiter>();
  readonly #listeners = new Set<(record: BotMessageRecord) => void>();
  #baseUrl: string | undefined;

  constructor(options: FakeDiscordOptions = {}) {
    this.world = new DiscordWorld(options.now);
    this.#port = options.port ?? 0;
    this.#gateway = new FakeGateway(this.world, {
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
      url: () => this.gatewayUrl,
    });
    this.#rest = new FakeRest(this.world, {
      gatewayUrl: () => this.gatewayUrl,
      onBotMessage: (record) => this.#onBotMessage(record),
      onTyping: (botId, channelId) => this.#typing.push({ botId, channelId }),
      dispatchMessage: (message) => this.#gateway.dispatchMessage(message),
      now: Date.now,
    });
    this.#server = createServer((req, res) => this.#rest.handle(req, res));
    this.#gateway.attach(this.#server);
  }

  /** Starts listening; resolves with the REST base to pass as discord.js `rest.api`. */
  async start(): Promise<string> {
    const port = await listenOnLoopback(this.#server, this.#port);
    this.#baseUrl = `http://127.0.0.1:${port}`;
    return this.restApi;
  }

  async stop(): Promise<void> {
    for (const waiter of this.#waiters) this.#waiters.delete(waiter);
    this.#gateway.close();
    await closeServer(this.#server);
  }

  /** REST base (`http://127.0.0.1:<port>/api`), the value for discord.js `rest.api`. */
  get restApi(): string {
    return `${this.#base()}/api`;
  }

  /** The gateway URL `GET /gateway/bot` hands out. */
  get gatewayUrl(): string {
    return this.#base().replace(/^http/, "ws");
  }

  // ---- the world ----------------------------------------------------------------------------

  addBot(options: AddBotOptions): FakeBot {
    return this.world.addBot(options);
  }

  addUser(options: AddUserOptions): DcUser {
    return this.world.addUser(options);
  }

  addGuild(options: { name: string; id?: Snowflake; ownerId?: Snowflake }): Snowflake {
    return this.world.addGuild(options);
  }

  addRole(guildId: Snowflake, options: { name: string; id?: Snowflake }): DcRole {
    const role = this.world.addRole(guildId, options);
    for (const bot of this.world.bots.values()) {
      if (this.world.guildsOf(bot.id).includes(guildId))
        this.#gateway.dispatch(bot.id, "GUILD_ROLE_CREATE", { guild_id: guildId, role });
    }
    return role;
  }

  /** Adds a member (user or bot) to a guild; a connected bot that joins receives GUILD_CREATE. */
  addMember(
    guildId: Snowflake,
    userId: Snowflake,
    options: { roles?: Snowflake[]; nick?: string } = {},
  ): void {
    const wasMember = this.world.guildsOf(userId).includes(guildId);
    this.world.addMember(guildId, userId, options);
    if (this.world.bots.has(userId) && !wasMember)
      this.#gateway.dispatch(userId, "GUILD_CREATE", guildCreatePayload(this.world, guildId));
  }

  addChannel(guildId: Snowflake, options: { name: string; id?: Snowflake; type?: 0 | 5 }): DcChannel {
    const channel = this.world.addChannel(guildId, options);
    this.#toGuildBots(guildId, "CHANNEL_CREATE", channel);
    return channel;
  }

  addThread(parentId: Snowflake, options: { name: string; id?: Snowflake; private?: boolean }): DcChannel {
    const thread = this.world.addThread(parentId, options);
    this.#toGuildBots(thread.guild_id as Snowflake, "THREAD_CREATE", { ...thread, newly_created: true });
    return thread;
  }

  /** The DM channel between a user and a bot (created on first use). */
  dmChannel(userId: Snowflake, botId: Snowflake): DcChannel {
    return this.world.dmChannel(userId, botId);
  }

  addGroupDm(participantIds: Snowflake[], options: { name?: string; id?: Snowflake } = {}): DcChannel {
    return this.world.addGroupDm(participantIds, options);
  }

  /** The bot's managed role in a guild (created when the bot joined). */
  botRole(guildId: Snowflake, botId: Snowflake): DcRole {
    const role = this.world.botRole(guildId, botId);
    if (!role) throw new Error(`fake discord: bot ${botId} is not in guild ${guildId}`);
    return role;
  }

  // ---- scripting ----------------------------------------------------------------------------

  /**
   * A user (or bot) posts a message; every bot that can see the channel gets MESSAGE_CREATE.
   * Mentions are written in the text as Discord does: `<@userId>`, `<@&roleId>`, `@everyone`.
   */
  say(options: SayOptions): DcMessage {
    const message = createMessage(this.world, {
      authorId: options.from,
      channelId: options.in,
      content: options.text,
      ...(options.replyTo ? { replyToId: options.replyTo } : {}),
      ...(options.attachments ? { attachments: options.attachments } : {}),
    });
    this.#gateway.dispatchMessage(message);
    return message;
  }

  /** A user writes to a bot in their DM channel. */
  sayDm(options: {
    from: Snowflake;
    to: Snowflake;
    text: string;
    replyTo?: Snowflake;
    attachments?: AttachmentInput[];
  }): DcMessage {
    const channel = this.world.dmChannel(options.from, options.to);
    return this.say({ ...options, in: channel.id });
  }

  /**
   * Resolves with the oldest message a bot sent that no earlier call has returned, waiting for
   * one if needed. Filter by bot and/or channel.
   */
  nextBotMessage(
    filter: { botId?: Snowflake; channelId?: Snowflake; timeoutMs?: number } = {},
  ): Promise<BotMessageRecord> {
    const match = (r: BotMessageRecord) =>
      (filter.botId === undefined || r.botId === filter.botId) &&
      (filter.channelId === undefined || r.channelId === filter.channelId);
    const ready = this.#sent.find((r) => !r.consumed && match(r));
    if (ready) {
      ready.consumed = true;
      return Promise.resolve(ready);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new Error(`fake discord: no bot message within ${filter.timeoutMs ?? 5000} ms`));
      }, filter.timeoutMs ?? 5000);
      const waiter: Waiter = {
        match,
        resolve: (record) => {
          clearTimeout(timer);
          resolve(record);
        },
      };
      this.#waiters.add(waiter);
    });
  }

  /** Every message bots sent, oldest first. */
  get sent(): readonly BotMessageRecord[] {
    return this.#sent;
  }

  /** Every typing indicator bots triggered. */
  get typing(): readonly TypingRecord[] {
    return this.#typing;
  }

  /** Every REST request (bot id, never the token). */
  get restLog(): readonly RestRecord[] {
    return this.#rest.records;
  }

  /** Every gateway event (connects, identifies, resumes, heartbeats, closes). */
  get gatewayLog(): readonly GatewayRecord[] {
    return this.#gateway.records;
  }

  /** Requests that arrived inside a rate-limit window the fake had announced (should stay 0). */
  get rateLimitViolations(): number {
    return this.#rest.violations;
  }

  /** IDENTIFYs a bot sent so far. */
  identifyCount(botId: Snowflake): number {
    return this.#gateway.records.filter((r) => r.kind === "identify" && r.botId === botId).length;
  }

  /** Whether the bot has a READY or RESUMED gateway connection. */
  isConnected(botId: Snowflake): boolean {
    return this.#gateway.isConnected(botId);
  }

  /** Forgets recorded messages, typing, REST and gateway logs (between tests on one fake). */
  resetRecords(): void {
    this.#sent.length = 0;
    this.#typing.length = 0;
    this.#rest.records.length = 0;
    this.#rest.violations = 0;
    this.#gateway.records.length = 0;
  }

  /** Calls `listener` for every message a bot sends (dev playground). Returns an unsubscribe. */
  onBotMessage(listener: (record: BotMessageRecord) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  // ---- faults -------------------------------------------------------------------------------

  /** Closes the bot's gateway connections with `code`; 1006 drops the TCP connection abruptly. */
  closeGateway(botId: Snowflake, code: number, reason?: string): void {
    this.#gateway.closeConnections(botId, code, reason);
  }

  /** Sends INVALID_SESSION; `resumable: false` (default) also forgets the session. */
  invalidateSession(botId: Snowflake, options: { resumable?: boolean } = {}): void {
    this.#gateway.invalidateSession(botId, options.resumable ?? false);
  }

  /** Sends op 7 RECONNECT. */
  requestReconnect(botId: Snowflake): void {
    this.#gateway.requestReconnect(botId);
  }

  /** The bot's current connections stop getting heartbeat ACKs (a zombie connection). */
  withholdHeartbeatAcks(botId: Snowflake): void {
    this.#gateway.withholdHeartbeatAcks(botId);
  }

  /** The bot's next IDENTIFYs are answered by closing with these codes. */
  failNextIdentify(botId: Snowflake, ...codes: number[]): void {
    this.#gateway.failNextIdentify(botId, ...codes);
  }

  /** The bot's next IDENTIFY is never answered: no READY, no close (a stalled gateway). */
  ignoreNextIdentify(botId: Snowflake): void {
    this.#gateway.ignoreNextIdentify(botId);
  }

  /** The bot's next RESUMEs are answered by closing with these codes. */
  failNextResume(botId: Snowflake, ...codes: number[]): void {
    this.#gateway.failNextResume(botId, ...codes);
  }

  /**
   * While false, gateway connections fail as during an outage: by default with a 503 on upgrade,
   * with `"reset"` by resetting the TCP connection (a network error to the client).
   */
  setGatewayAvailable(available: boolean, failure: GatewayOutage = "503"): void {
    this.#gateway.setOutage(available ? null : failure);
  }

  /** Resets the bot's token: REST answers 401 and IDENTIFY / RESUME close with 4004. */
  revokeToken(botId: Snowflake): void {
    const bot = this.world.bots.get(botId);
    if (!bot) throw new Error(`fake discord: unknown bot ${botId}`);
    bot.tokenValid = false;
  }

  /** Changes what `GET /gateway/bot` reports as the daily identify budget. */
  setSessionStartLimit(botId: Snowflake, limit: Partial<DcSessionStartLimit>): void {
    this.world.setSessionStartLimit(botId, limit);
  }

  /** The next matching REST requests get 429 with Discord's rate-limit headers. */
  rateLimitNext(fault: RateLimitFault): void {
    this.#rest.rateLimit(fault);
  }

  /** Sends an arbitrary dispatch (with a sequence number, replayed on resume), e.g. a malformed one. */
  dispatchRaw(botId: Snowflake, t: string, d: unknown): void {
    this.#gateway.dispatch(botId, t, d);
  }

  /** Writes raw text on the bot's live connections, e.g. invalid JSON. */
  sendRawFrame(botId: Snowflake, text: string): void {
    this.#gateway.sendRawText(botId, text);
  }

  #toGuildBots(guildId: Snowflake, t: string, d: unknown): void {
    for (const bot of this.world.bots.values()) {
      if (this.world.guildsOf(bot.id).includes(guildId)) this.#gateway.dispatch(bot.id, t, d);
    }
  }

  #onBotMessage(record: BotMessageRecord): void {
    const entry = { ...record, consumed: false };
    this.#sent.push(entry);
    for (const listener of this.#listeners) listener(record);
    for (const waiter of this.#waiters) {
      if (!waiter.match(record)) continue;
      this.#waiters.delete(waiter);
      entry.consumed = true;
      waiter.resolve(record);
      break;
    }
  }

  #base(): string {
    if (!this.#baseUrl) throw new Error("fake discord: call start() first");
    return this.#baseUrl;
  }
}
