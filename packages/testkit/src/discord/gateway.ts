import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocket, WebSocketServer } from "ws";
import { guildCreatePayload } from "./payloads.js";
import {
  ChannelKind,
  type DcMessage,
  GatewayCloseCode,
  type GatewayFrame,
  GatewayOp,
  Intent,
  type Snowflake,
} from "./wire.js";
import type { DiscordWorld, FakeBot } from "./world.js";

/** One thing that happened on the gateway, for tests to assert on. Never holds a token. */
export type GatewayRecord =
  | { kind: "connect"; connection: number; query: string }
  | { kind: "identify"; connection: number; botId: Snowflake | undefined; intents: number; shard?: unknown }
  | {
      kind: "resume";
      connection: number;
      botId: Snowflake | undefined;
      sessionId: string;
      seq: number | null;
    }
  | { kind: "resumed"; connection: number; botId: Snowflake; sessionId: string; replayed: number }
  | { kind: "ready"; connection: number; botId: Snowflake; sessionId: string }
  | { kind: "invalid-session"; connection: number; botId: Snowflake | undefined; resumable: boolean }
  | { kind: "heartbeat"; connection: number; botId: Snowflake | undefined; acked: boolean }
  | {
      kind: "closed";
      connection: number;
      botId: Snowflake | undefined;
      code: number;
      by: "client" | "server";
    }
  | { kind: "refused"; reason: string };

interface Session {
  readonly id: string;
  readonly bot: FakeBot;
  readonly intents: number;
  seq: number;
  /** Every dispatch of the session, kept so a RESUME can replay what the client missed. */
  readonly frames: GatewayFrame[];
  connection: Connection | null;
}

interface Connection {
  readonly id: number;
  readonly ws: WebSocket;
  session: Session | null;
  /** The bot that authenticated on this connection, once known. */
  botId: Snowflake | undefined;
  /** Zombie fault: heartbeats on this connection are never acknowledged. */
  withholdAcks: boolean;
  /** Dispatches flow only after READY or RESUMED. */
  live: boolean;
}

/** How the gateway fails during an outage: an HTTP 503 on upgrade, or a reset TCP connection. */
export type GatewayOutage = "503" | "reset";

export interface FakeGatewayOptions {
  /** HELLO's heartbeat_interval. Discord sends 41250; tests use a few hundred ms. */
  heartbeatIntervalMs: number;
  /** The ws:// URL clients use, for READY's resume_gateway_url. */
  url: () => string;
  /** Frames kept per session for replay. */
  replayWindow?: number;
}

const MAX_REPLAY = 1000;

/**
 * The gateway half of the fake: HELLO, heartbeats, IDENTIFY → READY → GUILD_CREATE, RESUME with
 * replay of missed dispatches, INVALID_SESSION, and faults (close codes, zombie connections).
 */
export class FakeGateway {
  readonly records: GatewayRecord[] = [];
  readonly #world: DiscordWorld;
  readonly #options: FakeGatewayOptions;
  readonly #wss = new WebSocketServer({ noServer: true });
  readonly #sessions = new Map<string, Session>();
  readonly #connections = new Set<Connection>();
  readonly #identifyFaults = new Map<Snowflake, number[]>();
  readonly #resumeFaults = new Map<Snowflake, number[]>();
  readonly #ignoredIdentifies = new Map<Snowflake, number>();
  #connectionCount = 0;
  #outage: GatewayOutage | null = null;

  constructor(world: DiscordWorld, options: FakeGatewayOptions) {
    this.#world = world;
    this.#options = options;
  }

  /** Takes over WebSocket upgrades on the fake's HTTP server. */
  attach(server: Server): void {
    server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const query = new URL(req.url ?? "/", "http://fake").searchParams;
      const refuse = (status: string, reason: string) => {
        this.records.push({ kind: "refused", reason });
        socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      };
      // zlib-stream would need a compressing server; a client asking for it is misconfigured here.
      if (query.has("compress")) return refuse("400 Bad Request", "compression is not supported by the fake");
      if (this.#outage === "reset") {
        this.records.push({ kind: "refused", reason: "connection reset" });
        socket.destroy();
        return;
      }
      if (this.#outage === "503") return refuse("503 Service Unavailable", "gateway unavailable");
      this.#wss.handleUpgrade(req, socket, head, (ws) => this.#onConnection(ws, query.toString()));
    });
  }

  /** Terminates every connection. */
  close(): void {
    for (const connection of this.#connections) connection.ws.terminate();
    this.#connections.clear();
    this.#wss.close();
  }

  /** Starts (or with null ends) an outage: upgrades get 503, or the TCP connection is reset. */
  setOutage(outage: GatewayOutage | null): void {
    this.#outage = outage;
  }

  /** Sends a dispatch to every session of a bot; `d` may depend on the session (intents). */
  dispatch(botId: Snowflake, t: string, d: unknown | ((intents: number) => unknown | undefined)): void {
    for (const session of this.#sessions.values()) {
      if (session.bot.id !== botId) continue;
      const data = typeof d === "function" ? (d as (intents: number) => unknown)(session.intents) : d;
      if (data !== undefined) this.#dispatch(session, t, data);
    }
  }

  /** MESSAGE_CREATE to every bot that can see the channel, as each bot's intents allow. */
  dispatchMessage(message: DcMessage): void {
    for (const bot of this.#world.botsSeeing(message.channel_id)) {
      this.dispatch(bot.id, "MESSAGE_CREATE", (intents: number) => messageView(message, bot, intents));
    }
  }

  /** Writes raw text to a bot's live connections (for malformed-frame tests). */
  sendRawText(botId: Snowflake, text: string): void {
    for (const connection of this.#liveConnections(botId)) connection.ws.send(text);
  }

  /** Closes a bot's connections with a close code; 1006 drops the TCP connection without a close frame. */
  closeConnections(botId: Snowflake, code: number, reason = ""): void {
    for (const connection of this.#connectionsOf(botId)) {
      this.records.push({ kind: "closed", connection: connection.id, botId, code, by: "server" });
      if (code === 1006) connection.ws.terminate();
      else connection.ws.close(code, reason);
    }
  }

  /** Sends INVALID_SESSION; when not resumable the session is forgotten, so only a new IDENTIFY helps. */
  invalidateSession(botId: Snowflake, resumable: boolean): void {
    for (const connection of this.#connectionsOf(botId)) {
      this.#invalidSession(connection, botId, resumable);
    }
  }

  /** Sends op 7 RECONNECT, asking the client to reconnect and resume. */
  requestReconnect(botId: Snowflake): void {
    for (const connection of this.#connectionsOf(botId)) this.#send(connection, GatewayOp.Reconnect, null);
  }

  /** Stops acknowledging heartbeats on the bot's current connections (a zombie connection). */
  withholdHeartbeatAcks(botId: Snowflake): void {
    for (const connection of this.#connectionsOf(botId)) connection.withholdAcks = true;
  }

  /** The next IDENTIFYs of a bot are answered by closing with these codes, in order. */
  failNextIdentify(botId: Snowflake, ...codes: number[]): void {
    this.#identifyFaults.set(botId, [...(this.#identifyFaults.get(botId) ?? []), ...codes]);
  }

  /** The bot's next IDENTIFY is never answered (no READY, no close). */
  ignoreNextIdentify(botId: Snowflake): void {
    this.#ignoredIdentifies.set(botId, (this.#ignoredIdentifies.get(botId) ?? 0) + 1);
  }

  /** The next RESUMEs of a bot are answered by closing with these codes, in order. */
  failNextResume(botId: Snowflake, ...codes: number[]): void {
    this.#resumeFaults.set(botId, [...(this.#resumeFaults.get(botId) ?? []), ...codes]);
  }

  /** Whether a bot has a live (READY or RESUMED) connection. */
  isConnected(botId: Snowflake): boolean {
    return this.#liveConnections(botId).length > 0;
  }

  get connectionCount(): number {
    return this.#connectionCount;
  }

  #connectionsOf(botId: Snowflake): Connection[] {
    return [...this.#connections].filter((c) => c.botId === botId);
  }

  #liveConnections(botId: Snowflake): Connection[] {
    return this.#connectionsOf(botId).filter((c) => c.live);
  }

  #onConnection(ws: WebSocket, query: string): void {
    this.#connectionCount += 1;
    const connection: Connection = {
      id: this.#connectionCount,
      ws,
      session: null,
      botId: undefined,
      withholdAcks: false,
      live: false,
    };
    this.#connections.add(connection);
    this.records.push({ kind: "connect", connection: connection.id, query });
    ws.on("message", (data, isBinary) => this.#onFrame(connection, data.toString(), isBinary));
    ws.on("close", (code) => {
      this.#connections.delete(connection);
      const session = connection.session;
      if (session?.connection === connection) session.connection = null;
      this.records.push({
        kind: "closed",
        connection: connection.id,
        botId: connection.botId,
        code,
        by: "client",
      });
    });
    ws.on("error", () => ws.terminate());
    this.#send(connection, GatewayOp.Hello, { heartbeat_interval: this.#options.heartbeatIntervalMs });
  }

  #onFrame(connection: Connection, text: string, isBinary: boolean): void {
    let frame: { op?: unknown; d?: unknown };
    try {
      frame = isBinary ? { op: -1 } : (JSON.parse(text) as { op?: unknown; d?: unknown });
    } catch {
      connection.ws.close(GatewayCloseCode.DecodeError, "Error while decoding payload.");
      return;
    }
    const d = (typeof frame.d === "object" && frame.d !== null ? frame.d : {}) as Record<string, unknown>;
    switch (frame.op) {
      case GatewayOp.Heartbeat: {
        const acked = !connection.withholdAcks;
        this.records.push({ kind: "heartbeat", connection: connection.id, botId: connection.botId, acked });
        if (acked) this.#send(connection, GatewayOp.HeartbeatAck, null);
        return;
      }
      case GatewayOp.Identify:
        this.#identify(connection, d);
        return;
      case GatewayOp.Resume:
        this.#resume(connection, d);
        return;
      default:
        return; // presence updates, member requests and the like are accepted and ignored
    }
  }

  #identify(connection: Connection, d: Record<string, unknown>): void {
    const bot = this.#world.botByToken(typeof d.token === "string" ? d.token : undefined);
    const intents = typeof d.intents === "number" ? d.intents : 0;
    this.records.push({
      kind: "identify",
      connection: connection.id,
      botId: bot?.id,
      intents,
      shard: d.shard,
    });
    connection.botId = bot?.id;
    if (!bot || !bot.tokenValid) {
      connection.ws.close(GatewayCloseCode.AuthenticationFailed, "Authentication failed.");
      return;
    }
    const fault = this.#identifyFaults.get(bot.id)?.shift();
    if (fault !== undefined) {
      connection.ws.close(fault, "fault injected");
      return;
    }
    const ignored = this.#ignoredIdentifies.get(bot.id) ?? 0;
    if (ignored > 0) {
      this.#ignoredIdentifies.set(bot.id, ignored - 1);
      return;
    }
    if (intents & Intent.MessageContent && !bot.messageContentIntent) {
      connection.ws.close(GatewayCloseCode.DisallowedIntents, "Disallowed intent(s).");
      return;
    }
    bot.sessionStartLimit.remaining = Math.max(0, bot.sessionStartLimit.remaining - 1);
    // A new IDENTIFY means the client gave up on its old sessions; they expire as on Discord.
    for (const [id, session] of this.#sessions) {
      if (session.bot.id === bot.id && session.connection === null) this.#sessions.delete(id);
    }
    const session: Session = {
      id: `session-${this.#world.newId()}`,
      bot,
      intents,
      seq: 0,
      frames: [],
      connection,
    };
    this.#sessions.set(session.id, session);
    connection.session = session;
    connection.live = true;
    const guilds = this.#world.guildsOf(bot.id);
    this.#dispatch(session, "READY", {
      v: 10,
      user: { ...bot.user, verified: true, mfa_enabled: false, flags: 0 },
      guilds: guilds.map((id) => ({ id, unavailable: true })),
      session_id: session.id,
      session_type: "normal",
      resume_gateway_url: this.#options.url(),
      shard: Array.isArray(d.shard) ? d.shard : [0, 1],
      application: { id: bot.applicationId, flags: 0 },
      private_channels: [],
      relationships: [],
      presences: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: [],
      user_settings: {},
    });
    this.records.push({ kind: "ready", connection: connection.id, botId: bot.id, sessionId: session.id });
    for (const guildId of guilds)
      this.#dispatch(session, "GUILD_CREATE", guildCreatePayload(this.#world, guildId));
  }

  #resume(connection: Connection, d: Record<string, unknown>): void {
    const bot = this.#world.botByToken(typeof d.token === "string" ? d.token : undefined);
    const sessionId = typeof d.session_id === "string" ? d.session_id : "";
    const seq = typeof d.seq === "number" ? d.seq : null;
    this.records.push({ kind: "resume", connection: connection.id, botId: bot?.id, sessionId, seq });
    connection.botId = bot?.id;
    if (!bot || !bot.tokenValid) {
      connection.ws.close(GatewayCloseCode.AuthenticationFailed, "Authentication failed.");
      return;
    }
    const fault = this.#resumeFaults.get(bot.id)?.shift();
    if (fault !== undefined) {
      connection.ws.close(fault, "fault injected");
      return;
    }
    const session = this.#sessions.get(sessionId);
    const oldest = session?.frames[0]?.s ?? 1;
    if (!session || session.bot.id !== bot.id || (seq ?? 0) + 1 < oldest) {
      this.#invalidSession(connection, bot.id, false);
      return;
    }
    session.connection?.ws.close(GatewayCloseCode.UnknownError, "Session resumed elsewhere.");
    session.connection = connection;
    connection.session = session;
    const missed = session.frames.filter((frame) => (frame.s ?? 0) > (seq ?? 0));
    for (const frame of missed) connection.ws.send(JSON.stringify(frame));
    connection.live = true;
    this.#dispatch(session, "RESUMED", null);
    this.records.push({
      kind: "resumed",
      connection: connection.id,
      botId: bot.id,
      sessionId,
      replayed: missed.length,
    });
  }

  #invalidSession(connection: Connection, botId: Snowflake, resumable: boolean): void {
    this.records.push({ kind: "invalid-session", connection: connection.id, botId, resumable });
    const session = connection.session;
    if (session && !resumable) {
      this.#sessions.delete(session.id);
      connection.session = null;
    }
    connection.live = false;
    this.#send(connection, GatewayOp.InvalidSession, resumable);
  }

  #dispatch(session: Session, t: string, d: unknown): void {
    session.seq += 1;
    const frame: GatewayFrame = { op: GatewayOp.Dispatch, t, s: session.seq, d };
    session.frames.push(frame);
    const window = this.#options.replayWindow ?? MAX_REPLAY;
    if (session.frames.length > window) session.frames.splice(0, session.frames.length - window);
    const connection = session.connection;
    if (connection?.live && connection.ws.readyState === WebSocket.OPEN)
      connection.ws.send(JSON.stringify(frame));
  }

  #send(connection: Connection, op: number, d: unknown): void {
    if (connection.ws.readyState !== WebSocket.OPEN) return;
    connection.ws.send(JSON.stringify({ op, d, s: null, t: null } satisfies GatewayFrame));
  }
}

/**
 * What one bot receives for a message: nothing without the matching intent, and empty content
 * without Message Content unless the bot is mentioned, in a DM, or the author (Discord's rule).
 */
function messageView(message: DcMessage, bot: FakeBot, intents: number): DcMessage | undefined {
  const isDm = message.channel_type === ChannelKind.DM || message.channel_type === ChannelKind.GroupDM;
  if (isDm ? !(intents & Intent.DirectMessages) : !(intents & Intent.GuildMessages)) return undefined;
  const exempt = isDm || message.author.id === bot.id || message.mentions.some((u) => u.id === bot.id);
  if (intents & Intent.MessageContent || exempt) return message;
  return { ...message, content: "", attachments: [], embeds: [] };
}
