import { createServer } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { closeServer, listenOnLoopback } from "../net.js";
import { FakeTelegramBotApi } from "./fake-bot-api.js";
import type { FakeBot } from "./world.js";

let fake: FakeTelegramBotApi;

afterEach(async () => {
  await fake?.stop();
});

async function call(
  bot: FakeBot | string,
  method: string,
  params: Record<string, unknown> = {},
  signal?: AbortSignal,
) {
  const token = typeof bot === "string" ? bot : bot.token;
  const init: RequestInit = {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(params),
  };
  if (signal) init.signal = signal;
  const res = await fetch(`${fake.apiRoot}/bot${token}/${method}`, init);
  return {
    status: res.status,
    body: (await res.json()) as {
      ok: boolean;
      result?: unknown;
      error_code?: number;
      description?: string;
      parameters?: { retry_after?: number };
    },
  };
}

async function start(options: ConstructorParameters<typeof FakeTelegramBotApi>[0] = {}) {
  fake = new FakeTelegramBotApi({ retryAfterUnitMs: 20, webhookRetryMs: 10, ...options });
  await fake.start();
}

describe("FakeTelegramBotApi", () => {
  it("serves several bots, each by its own token, recording every call with its token", async () => {
    await start();
    const a = fake.addBot({ username: "a_bot" });
    const b = fake.addBot({ username: "b_bot" });
    expect(a.token).toMatch(/^\d+:[A-Za-z0-9_-]+$/);
    expect((await call(a, "getMe")).body.result).toMatchObject({ id: a.id, is_bot: true, username: "a_bot" });
    expect((await call(b, "getMe")).body.result).toMatchObject({ username: "b_bot" });
    expect(await call("123:unknown", "getMe")).toEqual({
      status: 401,
      body: { ok: false, error_code: 401, description: "Unauthorized" },
    });
    expect(fake.calls.map((c) => [c.method, c.token, c.status])).toEqual([
      ["getMe", a.token, 200],
      ["getMe", b.token, 200],
      ["getMe", "123:unknown", 401],
    ]);
    expect((await call(a, "noSuchMethod")).status).toBe(404);
  });

  it("confirms updates by offset and holds a long poll until an update arrives", async () => {
    await start();
    const bot = fake.addBot();
    const user = fake.user();
    fake.userMessage(bot, { from: user, text: "one" });
    fake.userMessage(bot, { from: user, text: "two" });
    const first = await call(bot, "getUpdates", { offset: 0, timeout: 0 });
    expect((first.body.result as Array<{ update_id: number }>).map((u) => u.update_id)).toEqual([1, 2]);
    // Not confirmed yet: asked again without an offset, Telegram repeats them.
    expect((await call(bot, "getUpdates")).body.result).toHaveLength(2);
    expect((await call(bot, "getUpdates", { offset: 2 })).body.result).toHaveLength(1);
    expect(fake.pendingUpdates(bot).map((u) => u.update_id)).toEqual([2]);
    const held = call(bot, "getUpdates", { offset: 3, timeout: 30 });
    await fake.waitForPoll(bot);
    fake.userMessage(bot, { from: user, text: "three" });
    const answered = await held;
    expect((answered.body.result as Array<{ message: { text: string } }>)[0]?.message.text).toBe("three");
  });

  it("terminates an older long poll with 409 when another consumer polls", async () => {
    await start();
    const bot = fake.addBot();
    const older = call(bot, "getUpdates", { timeout: 30 });
    await fake.waitForPoll(bot);
    const controller = new AbortController();
    const newer = call(bot, "getUpdates", { timeout: 30 }, controller.signal).catch(() => undefined);
    expect((await older).status).toBe(409);
    controller.abort();
    await newer;
  });

  it("parses HTML and MarkdownV2 like Telegram, rejecting bad entities and long texts", async () => {
    await start();
    const bot = fake.addBot();
    const chat = fake.world.privateChat(fake.user());
    const live: string[] = [];
    const unsubscribe = fake.onMessageSent((record) => live.push(record.text));
    const ok = await call(bot, "sendMessage", {
      chat_id: chat.id,
      text: "<b>hi</b> &amp; <i>x</i>",
      parse_mode: "HTML",
    });
    expect(ok.status).toBe(200);
    expect(live).toEqual(["hi & x"]);
    unsubscribe();
    expect(fake.sentMessages[0]).toMatchObject({
      text: "hi & x",
      entities: [
        { type: "bold", offset: 0, length: 2 },
        { type: "italic", offset: 5, length: 1 },
      ],
    });
    const badHtml = await call(bot, "sendMessage", { chat_id: chat.id, text: "1 < 2", parse_mode: "HTML" });
    expect(badHtml.body.description).toMatch(/^Bad Request: can't parse entities/);
    const badV2 = await call(bot, "sendMessage", {
      chat_id: chat.id,
      text: "v1.2",
      parse_mode: "MarkdownV2",
    });
    expect(badV2.body.description).toContain("Character '.' is reserved");
    const long = await call(bot, "sendMessage", { chat_id: chat.id, text: "x".repeat(4097) });
    expect(long.body.description).toBe("Bad Request: message is too long");
    expect((await call(bot, "sendMessage", { chat_id: 999999, text: "x" })).body.description).toBe(
      "Bad Request: chat not found",
    );
  });

  it("checks topics and reply targets", async () => {
    await start();
    const bot = fake.addBot();
    const forum = fake.group({ forum: true });
    const topic = fake.createForumTopic(forum, "T");
    expect(topic.threadId).toBeGreaterThan(1);
    expect(
      (await call(bot, "sendMessage", { chat_id: forum.id, text: "x", message_thread_id: 999 })).body
        .description,
    ).toBe("Bad Request: message thread not found");
    expect(
      (
        await call(bot, "sendMessage", {
          chat_id: forum.id,
          text: "x",
          reply_parameters: { message_id: 999 },
        })
      ).status,
    ).toBe(400);
    const lenient = await call(bot, "sendMessage", {
      chat_id: forum.id,
      text: "x",
      message_thread_id: topic.threadId,
      reply_parameters: { message_id: 999, allow_sending_without_reply: true },
    });
    expect(lenient.status).toBe(200);
    expect(fake.sentMessages[0]).toMatchObject({
      threadId: topic.threadId,
      message: { is_topic_message: true },
    });
  });

  it("injects faults: counted errors, flood windows with a shrinking retry_after, revoked tokens", async () => {
    await start();
    const bot = fake.addBot();
    fake.injectFault({ bot, method: "getMe", times: 2, kind: { type: "serverError", status: 503 } });
    expect((await call(bot, "getMe")).status).toBe(503);
    expect((await call(bot, "getMe")).status).toBe(503);
    expect((await call(bot, "getMe")).status).toBe(200);
    fake.floodWait(bot, 3, ["getMe"]);
    const limited = await call(bot, "getMe");
    expect(limited.status).toBe(429);
    expect(limited.body.parameters?.retry_after).toBeGreaterThanOrEqual(1);
    expect(limited.body.parameters?.retry_after).toBeLessThanOrEqual(3);
    expect((await call(bot, "deleteWebhook")).status).toBe(200);
    await new Promise((r) => setTimeout(r, 80));
    expect((await call(bot, "getMe")).status).toBe(200);
    fake.revokeToken(bot);
    expect((await call(bot, "getMe")).status).toBe(401);
    fake.restoreToken(bot);
    expect((await call(bot, "getMe")).status).toBe(200);
  });

  it("delivers to a webhook with the secret header, redelivering after a non-2xx answer", async () => {
    await start();
    const bot = fake.addBot();
    const seen: Array<{ secret: string | undefined; body: string }> = [];
    let answer = 500;
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => {
        body += c.toString();
      });
      req.on("end", () => {
        seen.push({ secret: req.headers["x-telegram-bot-api-secret-token"] as string | undefined, body });
        res.writeHead(answer).end();
        answer = 200;
      });
    });
    const port = await listenOnLoopback(server);
    try {
      const url = `http://127.0.0.1:${port}/hook`;
      expect((await call(bot, "setWebhook", { url, secret_token: "bad secret!" })).status).toBe(400);
      expect((await call(bot, "setWebhook", { url, secret_token: "good_secret" })).status).toBe(200);
      expect((await call(bot, "getUpdates")).status).toBe(409);
      const update = fake.userMessage(bot, { from: fake.user(), text: "hooked" });
      await fake.waitUntil(() => fake.webhookDeliveries.length === 2, { what: "two attempts" });
      expect(fake.webhookDeliveries.map((d) => [d.updateId, d.status])).toEqual([
        [update.update_id, 500],
        [update.update_id, 200],
      ]);
      expect(seen.every((s) => s.secret === "good_secret")).toBe(true);
      expect(JSON.parse(seen[1]?.body ?? "{}")).toEqual(update);
      await fake.waitUntil(() => fake.pendingUpdates(bot).length === 0, { what: "the update confirmed" });
    } finally {
      await closeServer(server);
    }
  });

  it("computes the entities Telegram's server adds to user messages", async () => {
    await start();
    const bot = fake.addBot({ username: "x_bot" });
    const update = fake.userMessage(bot, {
      from: fake.user(),
      text: "/start@x_bot hi @x_bot see https://e.com",
    });
    expect(update.message?.entities?.map((e) => [e.type, e.offset, e.length])).toEqual([
      ["bot_command", 0, 12],
      ["mention", 16, 6],
      ["url", 27, 13],
    ]);
  });

  it("rejects pending waits when stopped", async () => {
    await start();
    const bot = fake.addBot();
    const waiting = fake.nextReply(bot, { timeoutMs: 10_000 });
    await fake.stop();
    await expect(waiting).rejects.toThrow("stopped");
  });
});
