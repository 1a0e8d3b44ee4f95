import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createPairingStore, type InboundEnvelope } from "@patchbay/core";
import { FakeTelegramBotApi } from "@patchbay/testkit/telegram";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openInboundJournal } from "./stores/index.js";
import { startTempGateway, type TempGateway } from "./test-support/temp-gateway.js";

/** Writes $MARKER when the turn starts, then answers only once the file $GO exists (or never). */
const GATED_AGENT = `const fs=require("fs");let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const t=JSON.parse(s);fs.writeFileSync(process.env.MARKER,"started");const tick=()=>fs.existsSync(process.env.GO)?process.stdout.write("answered: "+t.text):setTimeout(tick,20);tick()})`;

const waitUntil = async (check: () => boolean, what: string) => {
  await expect.poll(check, { timeout: 5_000, message: what }).toBe(true);
};

describe("gateway lifecycle: shutdown, restarts and replay", () => {
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

  const gatedConfig = (dir: string, token: string) => ({
    agents: {
      list: [
        {
          id: "main",
          runtime: {
            type: "command",
            command: process.execPath,
            args: ["-e", GATED_AGENT],
            env: { MARKER: join(dir, "started"), GO: join(dir, "go") },
          },
        },
      ],
    },
    channels: { telegram: { apiRoot: fake.apiRoot, botToken: token, dmPolicy: "open", allowFrom: ["*"] } },
  });

  it("stop() aborts a turn still running at the drain deadline: nothing is sent, and the next run answers it once", async () => {
    const bot = fake.addBot({ username: "drain_bot" });
    temp = await startTempGateway({}, { drainTimeoutMs: 100 });
    const dir = temp.stateDir;
    await temp.writeConfig(gatedConfig(dir, bot.token));
    await temp.restart();
    await temp.gateway.settled();

    fake.userMessage(bot, { from: fake.user(), text: "slow one" });
    await waitUntil(() => existsSync(join(dir, "started")), "the agent to start");
    // The agent never answers on its own: without a drain deadline stop() would wait forever.
    await temp.gateway.stop();
    expect(fake.sentBy(bot)).toEqual([]);

    await writeFile(join(dir, "go"), "");
    await temp.restart();
    expect((await fake.nextReply(bot)).text).toBe("answered: slow one");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(fake.sentBy(bot).map((m) => m.text)).toEqual(["answered: slow one"]);
  });

  it("a reply due while its account restarts after a hot reload waits for the account instead of failing", async () => {
    const bot = fake.addBot({ username: "reload_bot" });
    temp = await startTempGateway({}, { supervisorBackoff: { initialMs: 400, maxMs: 400 } });
    const dir = temp.stateDir;
    const config = gatedConfig(dir, bot.token);
    await temp.writeConfig(config);
    await temp.restart();
    await temp.gateway.settled();

    fake.userMessage(bot, { from: fake.user(), text: "answer me after the reload" });
    await waitUntil(() => existsSync(join(dir, "started")), "the agent to start");

    // The account's settings change, and its restart fails once: it is down for the backoff.
    fake.injectFault({ bot, method: "getMe", times: 1, kind: { type: "serverError" } });
    await temp.writeConfig({
      ...config,
      channels: { telegram: { ...config.channels.telegram, name: "renamed" } },
    });
    expect(await temp.gateway.reload()).toBe(true);
    await waitUntil(
      () => /start failed/.test(temp?.gateway.status()[0]?.reason ?? ""),
      "the restart to fail once",
    );
    await writeFile(join(dir, "go"), "");

    expect((await fake.nextReply(bot)).text).toBe("answered: answer me after the reload");
  });

  it("replays a pairing request whose code never went out: the sender gets the code", async () => {
    const bot = fake.addBot({ username: "pairing_bot" });
    const config = { channels: { telegram: { apiRoot: fake.apiRoot, botToken: bot.token } } };
    // First an open bot, so the user's chat exists on the platform (it refuses unknown chats).
    temp = await startTempGateway({
      channels: { telegram: { ...config.channels.telegram, dmPolicy: "open", allowFrom: ["*"] } },
    });
    const user = fake.user({ firstName: "Sam" });
    fake.userMessage(bot, { from: user, text: "hi" });
    expect((await fake.nextReply(bot)).text).toBe("[main] hi");
    await temp.gateway.stop();

    // Then pairing, and what a crash right after a pairing request was created leaves behind:
    // the message pending in the journal, the request in the store, no reply sent.
    await temp.writeConfig(config);
    const journal = await openInboundJournal({ stateDir: temp.stateDir, fsync: false });
    const envelope: InboundEnvelope = {
      id: "7",
      channel: "telegram",
      accountId: "default",
      peer: { kind: "direct", id: String(user.id) },
      sender: { id: String(user.id), name: "Sam", isBot: false },
      text: "hello?",
      mentionsBot: false,
      replyToBot: false,
      attachments: [],
      timestamp: Date.now(),
      raw: null,
    };
    await journal.accept(envelope);
    await journal.close();
    const { code } = createPairingStore({ dir: join(temp.stateDir, "credentials") }).upsertRequest({
      channel: "telegram",
      accountId: "default",
      senderId: String(user.id),
    });

    await temp.restart();
    const reply = await fake.nextReply(bot);
    expect(reply.text).toContain(code);
  });

  it("stop() is idempotent: a second call waits for the same shutdown", async () => {
    temp = await startTempGateway({});
    let first = false;
    const stopping = temp.gateway.stop().then(() => {
      first = true;
    });
    await temp.gateway.stop();
    expect(first).toBe(true);
    await stopping;
  });
});
