import { ChannelAuthError, ConfigError, createRecordingLogger, NotSupportedError } from "@patchbay/core";
import { waitFor } from "@patchbay/testkit";
import type { FakeTelegramBotApi } from "@patchbay/testkit/telegram";
import { afterEach, describe, expect, it } from "vitest";
import { createTelegramChannel } from "./index.js";
import { Inbox, leakText, startChannel, startFake, testOptions } from "./test-harness.js";

let fake: FakeTelegramBotApi;
const cleanup: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const stop of cleanup.splice(0).reverse()) await stop();
  await fake?.stop();
});

describe("lifecycle and health", () => {
  it("goes connecting → ready after getMe → stopped, removing any webhook before polling", async () => {
    fake = await startFake();
    const bot = fake.addBot({ username: "alpha_bot" });
    const channel = createTelegramChannel(testOptions(fake, bot));
    cleanup.push(() => channel.stop());
    expect(channel.health().state).toBe("connecting");
    await channel.start(new Inbox().sink);
    expect(channel.health().state).toBe("ready");
    expect(channel.identity).toEqual({ id: bot.id, username: "alpha_bot", firstName: "alpha_bot" });
    expect(fake.calls.slice(0, 2).map((c) => c.method)).toEqual(["getMe", "deleteWebhook"]);
    expect(fake.calls[1]?.params).toEqual({ drop_pending_updates: false });
    await fake.waitForPoll(bot);
    await channel.stop();
    expect(channel.health().state).toBe("stopped");
    await expect(channel.start(new Inbox().sink)).rejects.toMatchObject({ code: "CONNECTION_FAILED" });
  });

  it("stops at once while a long poll is held, without a trailing acknowledging call", async () => {
    fake = await startFake();
    const bot = fake.addBot();
    const { channel } = await startChannel(fake, bot, cleanup, { polling: { timeoutSeconds: 50 } });
    await fake.waitForPoll(bot);
    const callsBefore = fake.calls.length;
    await channel.stop(); // would take 50 s (and time the test out) if it waited for the poll
    expect(fake.calls.length).toBe(callsBefore);
    expect(fake.callsTo("getUpdates", bot).at(-1)?.params.timeout).toBe(50);
  });

  it("rejects start with an error naming the account, never the token, when the token is refused", async () => {
    fake = await startFake();
    const bot = fake.addBot();
    fake.revokeToken(bot);
    const logger = createRecordingLogger();
    const channel = createTelegramChannel(testOptions(fake, bot, { accountId: "sales", logger }));
    cleanup.push(() => channel.stop());
    const error = await channel.start(new Inbox().sink).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelAuthError);
    expect(error).toMatchObject({ code: "AUTH_FAILED", channel: "telegram", accountId: "sales" });
    expect((error as Error).message).toContain('account "sales"');
    expect(channel.health()).toMatchObject({ state: "needs-login" });
    expect(channel.health().reason).toContain("sales");
    const secretPart = bot.token.split(":")[1] ?? bot.token;
    expect(leakText(logger, error, channel.health().reason)).not.toContain(secretPart);
  });

  it("turns needs-login when the token is revoked while polling, and stops polling", async () => {
    fake = await startFake();
    const bot = fake.addBot();
    const { channel, logger } = await startChannel(fake, bot, cleanup);
    await fake.waitForPoll(bot);
    fake.revokeToken(bot);
    await waitFor(() => channel.health().state === "needs-login", { what: "needs-login" });
    const polls = fake.callsTo("getUpdates", bot).length;
    // Proof of "no retry loop": the account stays quiet while the fake keeps answering others.
    const other = fake.addBot();
    const running = await startChannel(fake, other, cleanup, { accountId: "other" });
    fake.userMessage(other, { from: fake.user(), text: "meanwhile" });
    await running.inbox.next();
    expect(fake.callsTo("getUpdates", bot)).toHaveLength(polls);
    expect(leakText(logger)).not.toContain(bot.token.split(":")[1]);
  });

  it("runs two accounts side by side, each answering through its own token", async () => {
    fake = await startFake();
    const alpha = fake.addBot({ username: "alpha_bot" });
    const beta = fake.addBot({ username: "beta_bot" });
    const a = await startChannel(fake, alpha, cleanup, { accountId: "alpha" });
    const b = await startChannel(fake, beta, cleanup, { accountId: "beta" });
    const user = fake.user();
    fake.userMessage(alpha, { from: user, text: "to alpha" });
    fake.userMessage(beta, { from: user, text: "to beta" });
    const ea = await a.inbox.next();
    const eb = await b.inbox.next();
    expect([ea.accountId, ea.text, eb.accountId, eb.text]).toEqual(["alpha", "to alpha", "beta", "to beta"]);
    await a.channel.send({ channel: "telegram", accountId: "alpha", peer: ea.peer }, { text: "alpha here" });
    await b.channel.send({ channel: "telegram", accountId: "beta", peer: eb.peer }, { text: "beta here" });
    expect((await fake.nextReply(alpha)).token).toBe(alpha.token);
    expect((await fake.nextReply(beta)).token).toBe(beta.token);
    const sendTokens = fake.callsTo("sendMessage").map((c) => [c.params.text, c.token]);
    expect(sendTokens).toEqual([
      ["alpha here", alpha.token],
      ["beta here", beta.token],
    ]);
    // A reply for beta's target can never leave through alpha.
    await expect(
      a.channel.send({ channel: "telegram", accountId: "beta", peer: eb.peer }, { text: "x" }),
    ).rejects.toMatchObject({ code: "ACCOUNT_MISMATCH" });
  });

  it("keeps the good account working when another account's token is bad", async () => {
    fake = await startFake();
    const good = fake.addBot();
    const bad = fake.addBot();
    fake.revokeToken(bad);
    const badChannel = createTelegramChannel(testOptions(fake, bad, { accountId: "bad" }));
    cleanup.push(() => badChannel.stop());
    const [goodStart, badStart] = await Promise.allSettled([
      startChannel(fake, good, cleanup, { accountId: "good" }),
      badChannel.start(new Inbox().sink),
    ]);
    expect(badStart.status).toBe("rejected");
    expect(goodStart.status).toBe("fulfilled");
    const running = (goodStart as PromiseFulfilledResult<Awaited<ReturnType<typeof startChannel>>>).value;
    fake.userMessage(good, { from: fake.user(), text: "still here" });
    expect((await running.inbox.next()).text).toBe("still here");
    expect(running.channel.health().state).toBe("ready");
  });

  it("degrades after repeated poll failures and recovers, with reasons free of the token", async () => {
    fake = await startFake();
    const bot = fake.addBot();
    const { channel, inbox, logger } = await startChannel(fake, bot, cleanup, { degradedAfterFailures: 3 });
    await fake.waitForPoll(bot);
    fake.injectFault({ bot, method: "getUpdates", times: 1000, kind: { type: "serverError", status: 502 } });
    fake.dropLongPolls(bot);
    await waitFor(() => channel.health().state === "degraded", { what: "degraded" });
    expect(channel.health().reason).toMatch(
      /^\d+ consecutive poll failures; last: Telegram getUpdates failed \(502/,
    );
    fake.clearFaults();
    fake.userMessage(bot, { from: fake.user(), text: "back" });
    expect((await inbox.next()).text).toBe("back");
    await waitFor(() => channel.health().state === "ready", { what: "ready again" });
    expect(leakText(logger, channel.health().reason)).not.toContain(bot.token.split(":")[1]);
  });

  it("survives dropped connections and non-JSON answers, redacting the token from network errors", async () => {
    fake = await startFake();
    const bot = fake.addBot();
    const { inbox, logger } = await startChannel(fake, bot, cleanup);
    await fake.waitForPoll(bot);
    fake.injectFault({ bot, method: "getUpdates", times: 2, kind: { type: "drop" } });
    fake.injectFault({ bot, method: "getUpdates", kind: { type: "badGateway" } });
    fake.dropLongPolls(bot);
    fake.userMessage(bot, { from: fake.user(), text: "after the storm" });
    expect((await inbox.next()).text).toBe("after the storm");
    const failures = logger.records.filter((r) => r.message === "getUpdates failed; retrying");
    expect(failures.length).toBeGreaterThanOrEqual(3);
    expect(leakText(logger)).not.toContain(bot.token.split(":")[1]);
  });

  it("reports another consumer of the token (409) as replaced, and recovers", async () => {
    fake = await startFake();
    const bot = fake.addBot();
    const { channel, inbox } = await startChannel(fake, bot, cleanup);
    await fake.waitForPoll(bot);
    fake.injectFault({
      bot,
      method: "getUpdates",
      times: 1000,
      kind: { type: "error", code: 409, description: "Conflict: terminated by other getUpdates request" },
    });
    fake.dropLongPolls(bot);
    await waitFor(() => channel.health().state === "replaced", { what: "replaced" });
    expect(channel.health().reason).toContain("another client is using this bot token");
    fake.clearFaults();
    fake.userMessage(bot, { from: fake.user(), text: "mine again" });
    await inbox.next();
    await waitFor(() => channel.health().state === "ready", { what: "ready" });
  });

  it("answers a slow API without giving up", async () => {
    fake = await startFake();
    const bot = fake.addBot();
    const { channel, inbox } = await startChannel(fake, bot, cleanup);
    fake.userMessage(bot, { from: fake.user(), text: "slow" });
    const envelope = await inbox.next();
    fake.injectFault({ bot, method: "sendMessage", kind: { type: "slow", delayMs: 150 } });
    const sent = await channel.send(
      { channel: "telegram", accountId: "default", peer: envelope.peer },
      { text: "eventually" },
    );
    expect(sent.ids).toHaveLength(1);
  });

  it("probes identity and latency; a refused token probes false without the token", async () => {
    fake = await startFake();
    const bot = fake.addBot({ username: "probe_bot" });
    const channel = createTelegramChannel(testOptions(fake, bot));
    expect(await channel.probe()).toMatchObject({ ok: true, identity: `@probe_bot (${bot.id})` });
    fake.revokeToken(bot);
    const failed = await channel.probe();
    expect(failed.ok).toBe(false);
    expect(failed.error).toContain("401");
    expect(failed.error).not.toContain(bot.token.split(":")[1]);
  });

  it("validates options up front, naming paths and never echoing the token", () => {
    const badToken = "not-a-token-SECRETVALUE";
    const error = (() => {
      try {
        createTelegramChannel({ accountId: "x", token: badToken });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues.map((i) => i.path)).toEqual(["token"]);
    expect((error as Error).message).not.toContain("SECRETVALUE");
    expect(() => createTelegramChannel({ accountId: "x", token: "1:abc", mode: "webhook" })).toThrow(
      /webhook/,
    );
    expect(() => createTelegramChannel({ accountId: "x", token: "1:abc" }).webhookHandler()).toThrow(
      NotSupportedError,
    );
  });
});
