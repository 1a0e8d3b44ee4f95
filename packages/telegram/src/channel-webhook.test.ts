import { createServer, type Server } from "node:http";
import { createRecordingLogger } from "@patchbay/core";
import { closeServer, listenOnLoopback } from "@patchbay/testkit";
import type { FakeTelegramBotApi } from "@patchbay/testkit/telegram";
import { afterEach, describe, expect, it } from "vitest";
import { createTelegramChannel, type WebhookHandler } from "./index.js";
import { Inbox, startFake, testOptions } from "./test-harness.js";

let fake: FakeTelegramBotApi;
let server: Server | undefined;
const cleanup: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const stop of cleanup.splice(0).reverse()) await stop();
  if (server) await closeServer(server);
  server = undefined;
  await fake?.stop();
});

const SECRET = "s3cret_Token-42";

/** The gateway's side: an HTTP server that mounts the adapter's handler at /telegram/<account>. */
async function mount(): Promise<{ url: string; setHandler(handler: WebhookHandler): void }> {
  let handler: WebhookHandler | undefined;
  server = createServer((req, res) => {
    if (handler && req.url === "/telegram/default") return handler(req, res);
    res.writeHead(404).end();
  });
  const port = await listenOnLoopback(server);
  return {
    url: `http://127.0.0.1:${port}/telegram/default`,
    setHandler: (h) => {
      handler = h;
    },
  };
}

/** A webhook-mode channel mounted on the "gateway" server; not started yet. */
async function setup() {
  fake = await startFake();
  const bot = fake.addBot({ username: "hook_bot" });
  const http = await mount();
  const logger = createRecordingLogger();
  const channel = createTelegramChannel(
    testOptions(fake, bot, { logger, mode: "webhook", webhook: { url: http.url, secretToken: SECRET } }),
  );
  cleanup.push(() => channel.stop());
  http.setHandler(channel.webhookHandler());
  return { bot, channel, inbox: new Inbox(), url: http.url, logger };
}

describe("webhook mode", () => {
  it("registers the webhook with its secret and receives updates Telegram POSTs", async () => {
    const { bot, channel, inbox, url } = await setup();
    await channel.start(inbox.sink);
    expect(fake.callsTo("setWebhook", bot)[0]?.params).toEqual({
      url,
      secret_token: SECRET,
      allowed_updates: ["message", "edited_message", "channel_post", "edited_channel_post"],
    });
    expect(fake.callsTo("getUpdates", bot)).toHaveLength(0);
    const user = fake.user();
    fake.userMessage(bot, { from: user, text: "via webhook" });
    const envelope = await inbox.next();
    expect(envelope).toMatchObject({ text: "via webhook", peer: { kind: "direct", id: String(user.id) } });
    await channel.send({ channel: "telegram", accountId: "default", peer: envelope.peer }, { text: "hi" });
    expect((await fake.nextReply(bot)).token).toBe(bot.token);
    await fake.waitUntil(() => fake.webhookDeliveries.length === 1, { what: "the 200 answer" });
    expect(fake.webhookDeliveries.map((d) => d.status)).toEqual([200]);
  });

  it("answers 401 to a missing or wrong secret, and nothing reaches the sink", async () => {
    const { bot, channel, inbox, url, logger } = await setup();
    await channel.start(inbox.sink);
    const forged = {
      update_id: 999,
      message: { message_id: 1, date: 1, chat: { id: 5, type: "private" }, text: "forged" },
    };
    expect((await fake.postUpdate(url, forged)).status).toBe(401);
    expect((await fake.postUpdate(url, forged, { secretToken: "wrong" })).status).toBe(401);
    expect((await fake.postUpdate(url, forged, { secretToken: `${SECRET}x` })).status).toBe(401);
    fake.userMessage(bot, { from: fake.user(), text: "genuine" });
    expect((await inbox.next()).text).toBe("genuine");
    expect(inbox.envelopes.map((e) => e.text)).toEqual(["genuine"]);
    const rejections = logger.records.filter((r) => r.message.includes("wrong secret token"));
    expect(rejections).toHaveLength(3);
    expect(JSON.stringify(logger.records)).not.toContain(SECRET);
  });

  it("answers 503 before start and after stop, so Telegram retries later", async () => {
    const { bot, channel, inbox, url } = await setup();
    const update = {
      update_id: 1,
      message: { message_id: 1, date: 1, chat: { id: 5, type: "private" }, text: "early" },
    };
    expect((await fake.postUpdate(url, update, { secretToken: SECRET })).status).toBe(503);
    await channel.start(inbox.sink);
    await channel.stop();
    expect((await fake.postUpdate(url, update, { secretToken: SECRET })).status).toBe(503);
    expect(inbox.envelopes).toHaveLength(0);
    expect(bot.username).toBe("hook_bot");
  });

  it("answers 500 when the sink fails, so Telegram redelivers; a later duplicate is dropped", async () => {
    const { bot, channel, inbox } = await setup();
    await channel.start(inbox.sink);
    inbox.failNext = 1;
    const update = fake.userMessage(bot, { from: fake.user(), text: "retry me" });
    expect((await inbox.next()).text).toBe("retry me");
    await fake.waitUntil(() => fake.webhookDeliveries.length === 2, { what: "the 200 answer" });
    expect(fake.webhookDeliveries.map((d) => d.status)).toEqual([500, 200]);
    fake.redeliver(bot, update);
    await fake.waitUntil(() => fake.webhookDeliveries.length === 3, { what: "the duplicate delivery" });
    expect(fake.webhookDeliveries[2]?.status).toBe(200);
    expect(inbox.envelopes).toHaveLength(1);
  });

  it("rejects a body that is not JSON (400) and drops a malformed update with a warning (200)", async () => {
    const { channel, inbox, url, logger } = await setup();
    await channel.start(inbox.sink);
    const notJson = await fetch(url, {
      method: "POST",
      headers: { "x-telegram-bot-api-secret-token": SECRET, "content-type": "application/json" },
      body: "{nope",
    });
    expect(notJson.status).toBe(400);
    const malformed = await fake.postUpdate(
      url,
      { update_id: 7, message: { chat: 1 } },
      { secretToken: SECRET },
    );
    expect(malformed.status).toBe(200);
    expect(inbox.envelopes).toHaveLength(0);
    expect(logger.records.some((r) => r.level === "warn" && r.message.includes("malformed update"))).toBe(
      true,
    );
  });
});
