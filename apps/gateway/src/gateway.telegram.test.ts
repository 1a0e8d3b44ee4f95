import { join } from "node:path";
import { createPairingStore } from "@patchbay/core";
import { FakeTelegramBotApi } from "@patchbay/testkit/telegram";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTempGateway, type TempGateway } from "./test-support/temp-gateway.js";

const fast = { retryAfterUnitMs: 10 };

describe("gateway with Telegram accounts", () => {
  let fake: FakeTelegramBotApi;
  let temp: TempGateway | undefined;

  beforeEach(async () => {
    fake = new FakeTelegramBotApi(fast);
    await fake.start();
  });
  afterEach(async () => {
    await temp?.dispose();
    temp = undefined;
    await fake.stop();
  });

  const twoBots = () => {
    const alpha = fake.addBot({ username: "alpha_bot" });
    const beta = fake.addBot({ username: "beta_bot" });
    const config = {
      agents: { list: [{ id: "home", default: true }, { id: "work" }] },
      bindings: [
        { agentId: "home", match: { channel: "telegram", accountId: "alpha" } },
        { agentId: "work", match: { channel: "telegram", accountId: "beta" } },
      ],
      channels: {
        telegram: {
          dmPolicy: "open",
          allowFrom: ["*"],
          apiRoot: fake.apiRoot,
          accounts: { alpha: { botToken: alpha.token }, beta: { botToken: beta.token } },
        },
      },
    };
    return { alpha, beta, config };
  };

  it("answers each DM through the bot that received it, routed to that account's agent", async () => {
    const { alpha, beta, config } = twoBots();
    temp = await startTempGateway(config);
    const user = fake.user({ firstName: "Ann" });
    fake.userMessage(alpha, { from: user, text: "hello alpha" });
    fake.userMessage(beta, { from: user, text: "hello beta" });
    const [a, b] = await Promise.all([fake.nextReply(alpha), fake.nextReply(beta)]);
    expect(a).toMatchObject({ token: alpha.token, text: "[home] hello alpha" });
    expect(b).toMatchObject({ token: beta.token, text: "[work] hello beta" });

    const health = await fetch(`${temp.gateway.url}/healthz`);
    expect(health.status).toBe(200);
    const body = (await health.json()) as { ok: boolean; accounts: { accountId: string; state: string }[] };
    expect(body.accounts.map((x) => [x.accountId, x.state]).sort()).toEqual([
      ["alpha", "ready"],
      ["beta", "ready"],
    ]);
    const metrics = await (await fetch(`${temp.gateway.url}/metrics`)).text();
    expect(metrics).toMatch(
      /patchbay_route_decisions_total\{channel="telegram",matched_by="binding.account"\} 2/,
    );
  });

  it("pairs an unknown sender: one reply with the code, nothing processed, then admitted after approval", async () => {
    const bot = fake.addBot({ username: "pair_bot" });
    temp = await startTempGateway({ channels: { telegram: { apiRoot: fake.apiRoot, botToken: bot.token } } });
    const stranger = fake.user({ firstName: "Sam" });
    fake.userMessage(bot, { from: stranger, text: "hi" });
    const reply = await fake.nextReply(bot);
    const code =
      /Pairing code: `?([A-Z2-9]{8})`?/.exec(reply.text)?.[1] ?? /([A-HJ-NP-Z2-9]{8})/.exec(reply.text)?.[1];
    expect(code).toBeDefined();
    expect(reply.text).toContain(`patchbay pairing approve telegram ${code}`);

    fake.userMessage(bot, { from: stranger, text: "hi again" });
    await expect(fake.nextReply(bot, { timeoutMs: 600 })).rejects.toThrow();

    const store = createPairingStore({ dir: join(temp.stateDir, "credentials") });
    expect(store.approve({ channel: "telegram", code: code ?? "" })).toMatchObject({
      senderId: String(stranger.id),
    });
    fake.userMessage(bot, { from: stranger, text: "now?" });
    expect((await fake.nextReply(bot)).text).toBe("[main] now?");
  });

  it("keeps serving the good account when another has a revoked token, and /healthz says which and why", async () => {
    const { alpha, beta, config } = twoBots();
    fake.revokeToken(beta);
    temp = await startTempGateway(config);
    fake.userMessage(alpha, { from: fake.user(), text: "still there?" });
    expect((await fake.nextReply(alpha)).text).toBe("[home] still there?");
    const health = await fetch(`${temp.gateway.url}/healthz`);
    expect(health.status).toBe(503);
    const body = (await health.json()) as {
      accounts: { accountId: string; state: string; reason?: string }[];
    };
    const bad = body.accounts.find((x) => x.accountId === "beta");
    expect(bad?.state).toBe("needs-login");
    expect(bad?.reason).toMatch(/beta/);
    expect(JSON.stringify(body)).not.toContain(beta.token);
    expect(JSON.stringify(temp.logger.records)).not.toContain(beta.token);
  });

  it("hot-reloads a new binding, and keeps the running config when an edit is invalid", async () => {
    const { alpha, config } = twoBots();
    temp = await startTempGateway(config);
    const user = fake.user();
    await temp.writeConfig({
      ...config,
      bindings: [
        {
          agentId: "work",
          match: { channel: "telegram", accountId: "alpha", peer: { kind: "direct", id: String(user.id) } },
        },
        ...config.bindings,
      ],
    });
    expect(await temp.gateway.reload()).toBe(true);
    fake.userMessage(alpha, { from: user, text: "which agent?" });
    expect((await fake.nextReply(alpha)).text).toBe("[work] which agent?");

    await temp.writeConfig({ ...config, bindings: [{ agentId: "nobody", match: { channel: "telegram" } }] });
    expect(await temp.gateway.reload()).toBe(false);
    expect(temp.logger.records.some((r) => r.message.includes("config reload rejected"))).toBe(true);
    fake.userMessage(alpha, { from: fake.user(), text: "old routing" });
    expect((await fake.nextReply(alpha)).text).toBe("[home] old routing");
  });

  it("reloads when the config file changes on disk (the file watcher, not a direct call)", async () => {
    const { alpha, config } = twoBots();
    temp = await startTempGateway(config, { watchConfig: true });
    const user = fake.user();
    await temp.writeConfig({
      ...config,
      bindings: [{ agentId: "work", match: { channel: "telegram", accountId: "*" } }],
    });
    await expect
      .poll(() => temp?.logger.records.some((r) => r.message === "config reloaded"), { timeout: 5_000 })
      .toBe(true);
    fake.userMessage(alpha, { from: user, text: "after edit" });
    expect((await fake.nextReply(alpha)).text).toBe("[work] after edit");
  });

  it("restarts an account that failed to start, with backoff, while the other keeps serving", async () => {
    const { alpha, beta, config } = twoBots();
    fake.injectFault({ bot: beta, method: "getMe", times: 2, kind: { type: "serverError" } });
    temp = await startTempGateway(config);
    fake.userMessage(alpha, { from: fake.user(), text: "alpha works" });
    expect((await fake.nextReply(alpha)).text).toBe("[home] alpha works");
    await expect
      .poll(() => temp?.gateway.status().find((s) => s.accountId === "beta")?.state, { timeout: 5_000 })
      .toBe("ready");
    expect(
      temp.logger.records.some(
        (r) => r.message.includes("failed to start; will retry") && r.fields.accountId === "beta",
      ),
    ).toBe(true);
    fake.userMessage(beta, { from: fake.user(), text: "beta recovered" });
    expect((await fake.nextReply(beta)).text).toBe("[work] beta recovered");
  });

  it("gates group messages on mentions and hands unmentioned lines to the agent as history", async () => {
    const bot = fake.addBot({ username: "grp_bot" });
    temp = await startTempGateway({
      agents: {
        list: [
          {
            id: "main",
            runtime: { type: "command", command: process.execPath, args: ["-e", HISTORY_AGENT] },
          },
        ],
      },
      channels: {
        telegram: {
          apiRoot: fake.apiRoot,
          botToken: bot.token,
          groupPolicy: "open",
          groups: { "*": { requireMention: true } },
        },
      },
    });
    const group = fake.group({ title: "team" });
    const ann = fake.user({ firstName: "Ann" });
    fake.userMessage(bot, { from: ann, chat: group, text: "lunch at noon?" });
    fake.userMessage(bot, { from: ann, chat: group, text: "or one?" });
    await expect(fake.nextReply(bot, { timeoutMs: 500 })).rejects.toThrow();
    fake.userMessage(bot, { from: ann, chat: group, text: "@grp_bot what did I ask?" });
    expect((await fake.nextReply(bot)).text).toBe("history: lunch at noon? | or one?");
  });
});

/** A command agent that answers with the pending group lines it was handed. */
const HISTORY_AGENT = `let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const t=JSON.parse(s);process.stdout.write("history: "+t.groupHistory.map(l=>l.text).join(" | "))})`;
