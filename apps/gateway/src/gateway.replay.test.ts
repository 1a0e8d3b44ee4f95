import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { InboundEnvelope } from "@patchbay/core";
import { FakeTelegramBotApi } from "@patchbay/testkit/telegram";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openInboundJournal, openSessionStore } from "./stores/index.js";
import { startTempGateway, type TempGateway } from "./test-support/temp-gateway.js";

describe("gateway: what a crash or a failed send leaves behind", () => {
  let fake: FakeTelegramBotApi;
  let temp: TempGateway | undefined;
  beforeEach(async () => {
    fake = new FakeTelegramBotApi({ retryAfterUnitMs: 10 });
    await fake.start();
  });
  afterEach(async () => {
    await temp?.dispose();
    temp = undefined;
    await fake.stop();
  });

  it("a replayed message whose user line reached the transcript before the crash is not logged twice", async () => {
    const bot = fake.addBot({ username: "replay_bot" });
    const user = fake.user({ firstName: "Ann" });
    const config = {
      channels: {
        telegram: { apiRoot: fake.apiRoot, botToken: bot.token, dmPolicy: "open", allowFrom: ["*"] },
      },
    };
    temp = await startTempGateway(config);
    fake.userMessage(bot, { from: user, text: "hello" });
    await fake.nextReply(bot);
    await temp.gateway.stop();

    // What a crash between the user's transcript line and the reply leaves on disk.
    const envelope: InboundEnvelope = {
      id: `${user.id}:41`,
      channel: "telegram",
      accountId: "default",
      peer: { kind: "direct", id: String(user.id) },
      sender: { id: String(user.id), name: "Ann", isBot: false },
      text: "only once please",
      mentionsBot: false,
      replyToBot: false,
      attachments: [],
      timestamp: 1_000,
      raw: null,
    };
    const journal = await openInboundJournal({ stateDir: temp.stateDir, fsync: false });
    expect(await journal.accept(envelope)).toBe("new");
    await journal.close();
    const sessions = await openSessionStore({ stateDir: temp.stateDir, agentId: "main" });
    await sessions.append("agent:main:main", {
      role: "user",
      text: envelope.text,
      at: 1_000,
      messageId: envelope.id,
    });
    await sessions.close();

    await temp.restart();
    expect((await fake.nextReply(bot)).text).toBe("[main] only once please");
    await temp.gateway.stop();
    const dir = join(temp.stateDir, "agents", "main", "sessions");
    const file = (await readdir(dir)).find((name) => name.endsWith(".jsonl"));
    const lines = (await readFile(join(dir, file ?? ""), "utf8"))
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => `${line.role}: ${line.text}`)).toEqual([
      "user: hello",
      "assistant: [main] hello",
      "user: only once please",
      "assistant: [main] only once please",
    ]);
  });

  it("after a restart, an unfinished older message is answered before newer ones, without waiting for other accounts", async () => {
    const bot = fake.addBot({ username: "order_bot" });
    const slow = fake.addBot({ username: "slow_bot" });
    const user = fake.user({ firstName: "Ann" });
    const config = {
      channels: {
        telegram: {
          apiRoot: fake.apiRoot,
          dmPolicy: "open",
          allowFrom: ["*"],
          accounts: { default: { botToken: bot.token }, slow: { botToken: slow.token } },
        },
      },
    };
    temp = await startTempGateway(config);
    fake.userMessage(bot, { from: user, text: "hello" });
    await fake.nextReply(bot);
    await temp.gateway.stop();

    const journal = await openInboundJournal({ stateDir: temp.stateDir, fsync: false });
    await journal.accept({
      id: `${user.id}:900`,
      channel: "telegram",
      accountId: "default",
      peer: { kind: "direct", id: String(user.id) },
      sender: { id: String(user.id), isBot: false },
      text: "older",
      mentionsBot: false,
      replyToBot: false,
      attachments: [],
      timestamp: 1_000,
      raw: null,
    });
    await journal.close();
    // Waiting on Telegram's side: the restarted bot receives it as soon as it polls. Another
    // account takes long to start; this one's replay must not wait for it.
    fake.userMessage(bot, { from: user, text: "newer" });
    fake.injectFault({ bot: slow, method: "getMe", kind: { type: "slow", delayMs: 5_000 } });

    await temp.restart();
    const [first, second] = await fake.nextReplies(bot, 2, { timeoutMs: 4_000 });
    expect([first?.text, second?.text]).toEqual(["[main] older", "[main] newer"]);
  });

  it("a pairing code that could not be sent is withdrawn, so the sender's next message gets one", async () => {
    const bot = fake.addBot({ username: "pairfail_bot" });
    temp = await startTempGateway({ channels: { telegram: { apiRoot: fake.apiRoot, botToken: bot.token } } });
    const stranger = fake.user({ firstName: "Sam" });
    fake.injectFault({
      bot,
      method: "sendMessage",
      kind: { type: "error", code: 400, description: "Bad Request: chat not found" },
    });
    fake.userMessage(bot, { from: stranger, text: "hi" });
    await fake.waitForCall((call) => call.method === "sendMessage");
    await expect
      .poll(() => temp?.logger.records.some((r) => r.message === "message processing failed"))
      .toBe(true);
    expect(temp.gateway.pairing.list({ channel: "telegram" })).toEqual([]);
    fake.userMessage(bot, { from: stranger, text: "hi again" });
    expect((await fake.nextReply(bot)).text).toMatch(/Pairing code/);
  });
});
