import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { FakeDiscord } from "./fake-discord.js";
import { computePings } from "./mentions.js";
import { type GatewayFrame, GatewayOp, Intent } from "./wire.js";

const ALL = Intent.Guilds | Intent.GuildMessages | Intent.DirectMessages | Intent.MessageContent;

/** A bare gateway client: collects frames and lets the test wait for one. */
class RawClient {
  readonly frames: GatewayFrame[] = [];
  readonly ws: WebSocket;
  closeCode: number | undefined;
  #waiters: Array<() => void> = [];

  constructor(url: string) {
    this.ws = new WebSocket(`${url}/?v=10&encoding=json`);
    this.ws.on("message", (data) => {
      this.frames.push(JSON.parse(data.toString()) as GatewayFrame);
      for (const w of this.#waiters.splice(0)) w();
    });
    this.ws.on("error", () => undefined);
    this.ws.on("close", (code) => {
      this.closeCode = code;
      for (const w of this.#waiters.splice(0)) w();
    });
  }

  send(op: number, d: unknown): void {
    this.ws.send(JSON.stringify({ op, d }));
  }

  async until<T>(check: () => T | undefined, timeoutMs = 2_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = check();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error("timed out");
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  dispatch(t: string): GatewayFrame | undefined {
    return this.frames.find((f) => f.op === GatewayOp.Dispatch && f.t === t);
  }

  close(): void {
    this.ws.terminate();
  }
}

let fake: FakeDiscord;
const clients: RawClient[] = [];
/** Connects and waits for HELLO, so the test can send right away. */
const connect = async () => {
  const client = new RawClient(fake.gatewayUrl);
  clients.push(client);
  await client.until(() => client.frames.find((f) => f.op === GatewayOp.Hello));
  return client;
};

beforeEach(async () => {
  fake = new FakeDiscord({ heartbeatIntervalMs: 1_000 });
  await fake.start();
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await fake.stop();
});

function smallWorld() {
  const bot = fake.addBot({ token: "bot-token-1", username: "one" });
  const alice = fake.addUser({ username: "alice" });
  const guildId = fake.addGuild({ name: "G" });
  const role = fake.addRole(guildId, { name: "mods" });
  fake.addMember(guildId, bot.id);
  fake.addMember(guildId, alice.id, { roles: [role.id] });
  const channel = fake.addChannel(guildId, { name: "general" });
  const thread = fake.addThread(channel.id, { name: "t" });
  return { bot, alice, guildId, role, channel, thread };
}

describe("gateway", () => {
  it("HELLO, heartbeat ACK, IDENTIFY → READY → GUILD_CREATE with channels, threads, roles, members", async () => {
    const { bot, guildId, role, channel, thread } = smallWorld();
    const client = await connect();
    const hello = await client.until(() => client.frames.find((f) => f.op === GatewayOp.Hello));
    expect(hello.d).toEqual({ heartbeat_interval: 1_000 });
    client.send(GatewayOp.Heartbeat, null);
    await client.until(() => client.frames.find((f) => f.op === GatewayOp.HeartbeatAck));
    client.send(GatewayOp.Identify, { token: bot.token, intents: ALL, properties: {} });
    const ready = await client.until(() => client.dispatch("READY"));
    expect(ready.s).toBe(1);
    expect(ready.d).toMatchObject({
      user: { id: bot.id, bot: true },
      guilds: [{ id: guildId, unavailable: true }],
    });
    const guild = await client.until(() => client.dispatch("GUILD_CREATE"));
    const d = guild.d as {
      channels: Array<{ id: string }>;
      threads: Array<{ id: string; parent_id: string }>;
      roles: Array<{ id: string; tags?: { bot_id?: string } }>;
      members: unknown[];
    };
    expect(d.channels.map((c) => c.id)).toEqual([channel.id]);
    expect(d.threads).toEqual([expect.objectContaining({ id: thread.id, parent_id: channel.id, type: 11 })]);
    expect(d.roles.map((r) => r.id)).toEqual(expect.arrayContaining([guildId, role.id]));
    expect(d.roles.find((r) => r.tags?.bot_id === bot.id)).toBeDefined();
    expect(d.members).toHaveLength(2);
  });

  it("RESUME replays exactly the dispatches after the given seq, then RESUMED", async () => {
    const { bot, alice, channel } = smallWorld();
    const first = await connect();
    first.send(GatewayOp.Identify, { token: bot.token, intents: ALL });
    const ready = await first.until(() => first.dispatch("READY"));
    const sessionId = (ready.d as { session_id: string }).session_id;
    await first.until(() => first.dispatch("GUILD_CREATE"));
    first.close();
    await first.until(() => first.closeCode);
    fake.say({ from: alice.id, in: channel.id, text: "missed 1" });
    fake.say({ from: alice.id, in: channel.id, text: "missed 2" });
    const second = await connect();
    second.send(GatewayOp.Resume, { token: bot.token, session_id: sessionId, seq: 2 });
    await second.until(() => second.dispatch("RESUMED"));
    const dispatches = second.frames.filter((f) => f.op === GatewayOp.Dispatch);
    expect(dispatches.map((f) => [f.t, f.s])).toEqual([
      ["MESSAGE_CREATE", 3],
      ["MESSAGE_CREATE", 4],
      ["RESUMED", 5],
    ]);
  });

  it("an unknown session gets INVALID_SESSION(false); a bad token closes 4004", async () => {
    const { bot } = smallWorld();
    const client = await connect();
    client.send(GatewayOp.Resume, { token: bot.token, session_id: "nope", seq: 1 });
    const invalid = await client.until(() => client.frames.find((f) => f.op === GatewayOp.InvalidSession));
    expect(invalid.d).toBe(false);
    const other = await connect();
    other.send(GatewayOp.Identify, { token: "wrong", intents: ALL });
    expect(await other.until(() => other.closeCode)).toBe(4004);
  });

  it("without Message Content a bot sees empty content unless mentioned; a disallowed intent closes 4014", async () => {
    const { bot, alice, channel } = smallWorld();
    const client = await connect();
    client.send(GatewayOp.Identify, { token: bot.token, intents: Intent.Guilds | Intent.GuildMessages });
    await client.until(() => client.dispatch("GUILD_CREATE"));
    fake.say({ from: alice.id, in: channel.id, text: "secret" });
    fake.say({ from: alice.id, in: channel.id, text: `<@${bot.id}> visible` });
    await client.until(() =>
      client.frames.filter((f) => f.t === "MESSAGE_CREATE").length === 2 ? true : undefined,
    );
    const contents = client.frames
      .filter((f) => f.t === "MESSAGE_CREATE")
      .map((f) => (f.d as { content: string }).content);
    expect(contents).toEqual(["", `<@${bot.id}> visible`]);

    const shy = fake.addBot({ token: "shy", messageContentIntent: false });
    const refused = await connect();
    refused.send(GatewayOp.Identify, { token: shy.token, intents: ALL });
    expect(await refused.until(() => refused.closeCode)).toBe(4014);
  });

  it("refuses compressed connections", async () => {
    const ws = new WebSocket(`${fake.gatewayUrl}/?v=10&encoding=json&compress=zlib-stream`);
    const error = await new Promise<Error>((resolve) => ws.on("error", resolve));
    expect(error.message).toMatch(/400/);
  });
});

describe("REST", () => {
  const api = () => `${fake.restApi}/v10`;

  it("authenticates by bot token and records which bot sent each message", async () => {
    const { bot, channel } = smallWorld();
    const anon = await fetch(`${api()}/users/@me`, { headers: { authorization: "Bot nope" } });
    expect(anon.status).toBe(401);
    const res = await fetch(`${api()}/channels/${channel.id}/messages`, {
      method: "POST",
      headers: { authorization: `Bot ${bot.token}`, "content-type": "application/json" },
      body: JSON.stringify({ content: "hi @everyone", allowed_mentions: { parse: [] } }),
    });
    expect(res.status).toBe(200);
    const sent = await fake.nextBotMessage({ botId: bot.id, timeoutMs: 500 });
    expect(sent).toMatchObject({
      channelId: channel.id,
      content: "hi @everyone",
      pings: { everyone: false },
    });
    expect(JSON.stringify(fake.restLog)).not.toContain(bot.token);
  });

  it("enforces the 2000 character limit and non-empty content like Discord", async () => {
    const { bot, channel } = smallWorld();
    const post = (content: string) =>
      fetch(`${api()}/channels/${channel.id}/messages`, {
        method: "POST",
        headers: { authorization: `Bot ${bot.token}`, "content-type": "application/json" },
        body: JSON.stringify({ content }),
      });
    expect((await post("x".repeat(2001))).status).toBe(400);
    expect(((await (await post(" ")).json()) as { code: number }).code).toBe(50006);
    expect((await post("x".repeat(2000))).status).toBe(200);
  });

  it("answers an injected 429 with Discord's headers, and counts requests inside the window", async () => {
    const { bot } = smallWorld();
    fake.rateLimitNext({ botId: bot.id, path: /users\/@me$/, retryAfterMs: 300 });
    const headers = { authorization: `Bot ${bot.token}` };
    const limited = await fetch(`${api()}/users/@me`, { headers });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("0.300");
    expect(limited.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(limited.headers.get("x-ratelimit-reset-after")).toBe("0.300");
    expect(await limited.json()).toMatchObject({ retry_after: 0.3, global: false });
    expect((await fetch(`${api()}/users/@me`, { headers })).status).toBe(429);
    expect(fake.rateLimitViolations).toBe(1);
  });
});

describe("computePings", () => {
  it("follows allowed_mentions semantics", () => {
    const text = "<@1> <@&2> @here";
    expect(computePings(text, undefined)).toEqual({ users: ["1"], roles: ["2"], everyone: true });
    expect(computePings(text, { parse: [] })).toEqual({ users: [], roles: [], everyone: false });
    expect(computePings(text, { parse: ["users"], roles: ["2"] })).toEqual({
      users: ["1"],
      roles: ["2"],
      everyone: false,
    });
    expect(computePings("hi", { parse: [], replied_user: true }, "9")).toEqual({
      users: ["9"],
      roles: [],
      everyone: false,
    });
    expect(computePings("hi", { parse: [] }, "9").users).toEqual([]);
  });
});
