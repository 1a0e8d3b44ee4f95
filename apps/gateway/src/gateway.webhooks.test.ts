import { createServer } from "node:net";
import { FakeSlack } from "@patchbay/testkit/slack";
import { FakeTelegramBotApi } from "@patchbay/testkit/telegram";
import { afterEach, describe, expect, it } from "vitest";
import { startTempGateway, type TempGateway } from "./test-support/temp-gateway.js";

/** A free loopback port: the webhook URL in the config must name the gateway's port up front. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("accounts that receive over the gateway's HTTP server", () => {
  let temp: TempGateway | undefined;
  const stops: Array<() => Promise<void>> = [];
  afterEach(async () => {
    await temp?.dispose();
    temp = undefined;
    for (const stop of stops.splice(0)) await stop();
  });

  it("Telegram webhook mode: updates arrive on the mounted path, a wrong secret gets 401, and the route survives a reload", async () => {
    const fake = new FakeTelegramBotApi();
    await fake.start();
    stops.push(() => fake.stop());
    const bot = fake.addBot({ username: "hook_bot" });
    const port = await freePort();
    const config = {
      gateway: { port },
      channels: {
        telegram: {
          apiRoot: fake.apiRoot,
          dmPolicy: "open",
          allowFrom: ["*"],
          accounts: {
            hook: {
              botToken: bot.token,
              webhookUrl: `http://127.0.0.1:${port}/tg/hook`,
              webhookSecret: "s3cret-hook",
            },
          },
        },
      },
    };
    temp = await startTempGateway(config, { port });
    expect(fake.webhookOf(bot)).toMatchObject({ url: `http://127.0.0.1:${port}/tg/hook` });

    fake.userMessage(bot, { from: fake.user(), text: "via webhook" });
    expect((await fake.nextReply(bot)).text).toBe("[main] via webhook");

    const forged = await fake.postUpdate(
      `http://127.0.0.1:${port}/tg/hook`,
      { update_id: 99, message: {} },
      { secretToken: "wrong" },
    );
    expect(forged.status).toBe(401);

    // OpenClaw #137591: a reload dropped the webhook route while status said connected.
    await temp.writeConfig({ ...config, agents: { list: [{ id: "after" }] } });
    expect(await temp.gateway.reload()).toBe(true);
    fake.userMessage(bot, { from: fake.user(), text: "after reload" });
    expect((await fake.nextReply(bot)).text).toBe("[after] after reload");
  });

  it("Slack HTTP mode: signed events on the mounted path are answered; a forged signature gets 401", async () => {
    const slack = new FakeSlack();
    await slack.start();
    stops.push(() => slack.stop());
    slack.addWorkspace({ id: "T0HTTP" });
    const app = slack.addApp();
    slack.install(app.id, "T0HTTP", { botToken: "xoxb-http-bot" });
    slack.addUser("T0HTTP", { id: "U0HTTPANN", name: "ann" });
    temp = await startTempGateway({
      channels: {
        slack: {
          apiUrl: slack.apiUrl,
          dmPolicy: "open",
          allowFrom: ["*"],
          accounts: { acme: { mode: "http", botToken: "xoxb-http-bot", signingSecret: app.signingSecret } },
        },
      },
    });
    slack.setEventUrl(app.id, `${temp.gateway.url}/slack/events`);
    const im = slack.imWith("T0HTTP", "U0HTTPANN");
    await slack.userSays({ channel: im.id, user: "U0HTTPANN", text: "over http" });
    expect((await slack.nextPost({ channel: im.id })).text).toBe("[main] over http");

    const posts = slack.posts.length;
    const forged = await slack.userSays({
      channel: im.id,
      user: "U0HTTPANN",
      text: "forged",
      signature: "forged",
    });
    expect(forged.deliveries[0]?.result).toMatchObject({ via: "http", status: 401 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(slack.posts.length).toBe(posts);
  });

  it("a reload restarts only the accounts whose settings changed", async () => {
    const fake = new FakeTelegramBotApi();
    await fake.start();
    stops.push(() => fake.stop());
    const one = fake.addBot({ username: "one_bot" });
    const two = fake.addBot({ username: "two_bot" });
    const config = {
      channels: {
        telegram: {
          apiRoot: fake.apiRoot,
          dmPolicy: "open",
          allowFrom: ["*"],
          accounts: { one: { botToken: one.token }, two: { botToken: two.token } },
        },
      },
    };
    temp = await startTempGateway(config);
    const getMes = (bot: typeof one) => fake.callsTo("getMe", bot).length;
    expect([getMes(one), getMes(two)]).toEqual([1, 1]);

    // A routing-only change restarts nothing.
    await temp.writeConfig({
      ...config,
      bindings: [{ agentId: "x", match: { channel: "telegram", accountId: "*" } }],
    });
    expect(await temp.gateway.reload()).toBe(true);
    // An account-level change restarts that account only.
    const changed = structuredClone(config);
    (changed.channels.telegram.accounts.two as Record<string, unknown>).dmPolicy = "pairing";
    await temp.writeConfig(changed);
    expect(await temp.gateway.reload()).toBe(true);
    await expect.poll(() => temp?.gateway.status().find((s) => s.accountId === "two")?.state).toBe("ready");
    expect([getMes(one), getMes(two)]).toEqual([1, 2]);
  });
});
