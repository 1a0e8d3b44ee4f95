import { createServer, type IncomingMessage } from "node:http";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { closeServer, listenOnLoopback } from "../net.js";
import { FakeSlack } from "./fake-slack.js";
import { slackSignature } from "./wire.js";

let fake: FakeSlack;

beforeEach(async () => {
  fake = new FakeSlack({ ackTimeoutMs: 300, echoBotMessages: false });
  await fake.start();
});

afterEach(async () => {
  await fake.stop();
});

async function call(method: string, token: string | undefined, params: Record<string, string> = {}) {
  const response = await fetch(`${fake.apiUrl}${method}`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: new URLSearchParams(params).toString(),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

function setup() {
  const team = fake.addWorkspace({ name: "Acme", domain: "acme" });
  const app = fake.addApp();
  const bot = fake.install(app.id, team.id, { botName: "pb" });
  const user = fake.addUser(team.id, { name: "ann" });
  const chan = fake.addChannel(team.id, { name: "general" });
  return { team, app, bot, user, chan };
}

interface Frame {
  type?: string;
  envelope_id?: string;
  payload?: { event_id?: string; team_id?: string };
}

function connect(url: string): Promise<{ ws: WebSocket; frames: Frame[]; hello: Frame }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const frames: Frame[] = [];
    ws.on("message", (data) => {
      const frame = JSON.parse(String(data)) as Frame;
      if (frame.type === "hello") resolve({ ws, frames, hello: frame });
      else frames.push(frame);
    });
    ws.on("error", reject);
  });
}

describe("FakeSlack Web API", () => {
  it("answers auth.test per token and records which token called", async () => {
    const { team, bot } = setup();
    const ok = await call("auth.test", bot.botToken);
    expect(ok.body).toMatchObject({
      ok: true,
      team_id: team.id,
      user_id: bot.botUserId,
      bot_id: bot.botId,
      user: "pb",
    });
    expect((await call("auth.test", "xoxb-nope")).body).toEqual({ ok: false, error: "invalid_auth" });
    expect((await call("auth.test", undefined)).body).toEqual({ ok: false, error: "not_authed" });
    expect(fake.calls.map((c) => [c.method, c.token])).toEqual([
      ["auth.test", bot.botToken],
      ["auth.test", "xoxb-nope"],
      ["auth.test", undefined],
    ]);
  });

  it("posts messages, resolving a user id to the DM, and scopes channels to the bot's workspace", async () => {
    const { bot, user, chan } = setup();
    const other = fake.addWorkspace();
    const foreign = fake.addChannel(other.id);
    const posted = await call("chat.postMessage", bot.botToken, {
      channel: chan.id,
      text: "hi",
      thread_ts: "1.2",
    });
    expect(posted.body).toMatchObject({ ok: true, channel: chan.id });
    const dm = await call("chat.postMessage", bot.botToken, { channel: user.id, text: "psst" });
    expect(dm.body.channel).toBe(fake.imWith(user.teamId, user.id).id);
    expect(
      (await call("chat.postMessage", bot.botToken, { channel: foreign.id, text: "x" })).body.error,
    ).toBe("channel_not_found");
    expect(fake.posts.map((p) => [p.channel, p.text, p.threadTs, p.token])).toEqual([
      [chan.id, "hi", "1.2", bot.botToken],
      [dm.body.channel, "psst", undefined, bot.botToken],
    ]);
    expect(await fake.nextPost({ channel: chan.id })).toMatchObject({ text: "hi" });
  });

  it("describes conversations and users", async () => {
    const { bot, user } = setup();
    const mpim = fake.addChannel(user.teamId, { kind: "mpim" });
    expect((await call("conversations.info", bot.botToken, { channel: mpim.id })).body.channel).toMatchObject(
      {
        is_mpim: true,
        is_im: false,
      },
    );
    expect((await call("users.info", bot.botToken, { user: user.id })).body.user).toMatchObject({
      id: user.id,
      name: "ann",
    });
  });

  it("injects 429 with Retry-After, platform errors and revoked tokens", async () => {
    const { bot } = setup();
    fake.fail({ method: "chat.postMessage", kind: { type: "rateLimit", retryAfterSec: 7 } });
    const limited = await call("chat.postMessage", bot.botToken, { channel: "C", text: "x" });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("7");
    expect(limited.body).toEqual({ ok: false, error: "ratelimited" });
    fake.fail({ token: bot.botToken, kind: { type: "error", error: "invalid_auth" } });
    expect((await call("auth.test", bot.botToken)).body.error).toBe("invalid_auth");
    expect((await call("auth.test", bot.botToken)).body.ok).toBe(true);
    fake.revokeToken(bot.botToken);
    expect((await call("auth.test", bot.botToken)).body.error).toBe("token_revoked");
  });

  it("lets `after` matching calls through before a fault applies", async () => {
    const { bot, chan } = setup();
    fake.fail({ method: "chat.postMessage", after: 2, kind: { type: "error", error: "msg_too_long" } });
    const post = () => call("chat.postMessage", bot.botToken, { channel: chan.id, text: "x" });
    await call("auth.test", bot.botToken);
    const results = [await post(), await post(), await post(), await post()];
    expect(results.map((r) => r.body.error ?? "ok")).toEqual(["ok", "ok", "msg_too_long", "ok"]);
  });
});

describe("FakeSlack Socket Mode", () => {
  it("opens a connection for an app token, says hello, delivers envelopes and records acks", async () => {
    const { app, bot, user, chan } = setup();
    expect((await call("apps.connections.open", bot.botToken)).body.error).toBe("not_allowed_token_type");
    const opened = await call("apps.connections.open", app.appToken);
    const { ws, frames, hello } = await connect(String(opened.body.url));
    expect(hello).toMatchObject({ type: "hello", connection_info: { app_id: app.id } });
    ws.on("message", (data) => {
      const frame = JSON.parse(String(data)) as Frame;
      if (frame.envelope_id) ws.send(JSON.stringify({ envelope_id: frame.envelope_id, payload: {} }));
    });
    const said = await fake.userSays({ channel: chan.id, user: user.id, text: `hi <@${bot.botUserId}>` });
    expect(
      said.deliveries.map((d) => [d.body.event.type, d.result.via, "acked" in d.result && d.result.acked]),
    ).toEqual([
      ["message", "socket", true],
      ["app_mention", "socket", true],
    ]);
    expect(frames[0]).toMatchObject({ type: "events_api", payload: { team_id: chan.teamId } });
    ws.close();
  });

  it("spreads envelopes round-robin over an app's connections and reports unacked ones", async () => {
    const { app, user, chan } = setup();
    const one = await connect(String((await call("apps.connections.open", app.appToken)).body.url));
    const two = await connect(String((await call("apps.connections.open", app.appToken)).body.url));
    expect(fake.socketConnections(app.id)).toBe(2);
    const results = await Promise.all(
      [0, 1, 2, 3].map((i) => fake.userSays({ channel: chan.id, user: user.id, text: `${i}` })),
    );
    expect(one.frames).toHaveLength(2);
    expect(two.frames).toHaveLength(2);
    expect(
      results.every((r) => r.deliveries[0]?.result.via === "socket" && !r.deliveries[0].result.acked),
    ).toBe(true);
    one.ws.close();
    two.ws.close();
  });

  it("refuses a reused ticket and sends disconnect messages or drops sockets on demand", async () => {
    const { app } = setup();
    const url = String((await call("apps.connections.open", app.appToken)).body.url);
    const first = await connect(url);
    await expect(connect(url)).rejects.toThrow();
    expect(fake.disconnectSockets(app.id, "warning")).toBe(1);
    await new Promise<void>((resolve) => {
      first.ws.on("message", (data) => {
        if ((JSON.parse(String(data)) as Frame).type === "disconnect") resolve();
      });
    });
    const closed = new Promise((resolve) => first.ws.on("close", resolve));
    expect(fake.dropSockets(app.id)).toBe(1);
    await closed;
    await fake.waitForSockets(app.id, { open: 0, opened: 1 });
  });
});

describe("FakeSlack Events API over HTTP", () => {
  it("signs requests with the app's secret, or forges / ages them on demand", async () => {
    const { app, user, chan } = setup();
    const seen: { headers: IncomingMessage["headers"]; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => {
        body += c.toString();
      });
      req.on("end", () => {
        seen.push({ headers: req.headers, body });
        res.end("ok");
      });
    });
    const port = await listenOnLoopback(server);
    fake.setEventUrl(app.id, `http://127.0.0.1:${port}/`);
    const said = await fake.userSays({ channel: chan.id, user: user.id, text: "hi" });
    await fake.redeliver(said.deliveries[0] as NonNullable<(typeof said.deliveries)[0]>, { retryNum: 2 });
    await fake.userSays({ channel: chan.id, user: user.id, text: "evil", signature: "forged" });
    await fake.userSays({ channel: chan.id, user: user.id, text: "old", signature: "stale" });
    await closeServer(server);

    const valid = (i: number) => {
      const entry = seen[i] as (typeof seen)[0];
      const ts = Number(entry.headers["x-slack-request-timestamp"]);
      return {
        entry,
        ts,
        ok: entry.headers["x-slack-signature"] === slackSignature(app.signingSecret, ts, entry.body),
      };
    };
    expect(valid(0).ok).toBe(true);
    expect(valid(1).ok).toBe(true);
    expect(valid(1).entry.headers["x-slack-retry-num"]).toBe("2");
    expect(JSON.parse(valid(1).entry.body).event_id).toBe(said.deliveries[0]?.eventId);
    expect(valid(2).ok).toBe(false);
    expect(valid(3).ok).toBe(true);
    expect(Date.now() / 1000 - valid(3).ts).toBeGreaterThan(300);
  });
});
