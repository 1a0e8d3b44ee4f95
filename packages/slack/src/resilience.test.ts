import { ChannelAuthError } from "@patchbay/core";
import { waitFor } from "@patchbay/testkit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Collector, type Harness, harness, leakedSecrets } from "./e2e.support.js";

let h: Harness;

beforeEach(async () => {
  h = await harness();
});

afterEach(async () => {
  await h.close();
});

function world() {
  const team = h.fake.addWorkspace();
  const app = h.fake.addApp();
  const bot = h.fake.install(app.id, team.id);
  const user = h.fake.addUser(team.id, { name: "ann" });
  const chan = h.fake.addChannel(team.id);
  return { team, app, bot, user, chan };
}

describe("Socket Mode resilience", () => {
  it("reconnects with a fresh URL when Slack sends a disconnect message", async () => {
    const { app, bot, user, chan } = world();
    const inbox = new Collector();
    const channel = h.channel({ botToken: bot.botToken, appToken: app.appToken });
    await channel.start(inbox.sink);

    expect(h.fake.disconnectSockets(app.id, "refresh_requested")).toBe(1);
    await h.fake.waitForSockets(app.id, { opened: 2, open: 1 });
    await waitFor(() => channel.health().state === "ready" && channel.health().reconnects === 1);
    expect(h.fake.callsTo("apps.connections.open")).toHaveLength(2);

    await h.fake.userSays({ channel: chan.id, user: user.id, text: "after refresh" });
    expect((await inbox.next()).text).toBe("after refresh");
  });

  it("reconnects after a dropped socket, degraded in between", async () => {
    const { app, bot, user, chan } = world();
    const inbox = new Collector();
    const channel = h.channel({
      botToken: bot.botToken,
      appToken: app.appToken,
      // A long first backoff keeps the degraded state observable.
      reconnect: { initialMs: 300, maxMs: 300, jitter: 0 },
    });
    await channel.start(inbox.sink);

    expect(h.fake.dropSockets(app.id)).toBe(1);
    await waitFor(() => channel.health().state === "degraded");
    expect(channel.health().reason).toBe("Socket Mode connection lost");
    await h.fake.waitForSockets(app.id, { opened: 2, open: 1 });
    await waitFor(() => channel.health().state === "ready");
    expect(channel.health().reconnects).toBe(1);

    await h.fake.userSays({ channel: chan.id, user: user.id, text: "back" });
    expect((await inbox.next()).text).toBe("back");
  });

  it("keeps retrying while apps.connections.open fails, then recovers", async () => {
    const { app, bot, user, chan } = world();
    const inbox = new Collector();
    const channel = h.channel({ botToken: bot.botToken, appToken: app.appToken });
    await channel.start(inbox.sink);
    h.fake.fail({ method: "apps.connections.open", times: 2, kind: { type: "http", status: 503 } });
    h.fake.dropSockets(app.id);
    await h.fake.waitForSockets(app.id, { opened: 2, open: 1 });
    await waitFor(() => channel.health().state === "ready");
    expect(h.fake.callsTo("apps.connections.open").map((c) => c.status)).toEqual([200, 503, 503, 200]);
    await h.fake.userSays({ channel: chan.id, user: user.id, text: "recovered" });
    expect((await inbox.next()).text).toBe("recovered");
  });
});

describe("refused credentials", () => {
  it("a refused bot token → needs-login, an error naming the account, no token anywhere", async () => {
    const { app } = world();
    const badToken = "xoxb-not-a-real-token-000";
    const channel = h.channel({ accountId: "work", botToken: badToken, appToken: app.appToken });
    const error = await channel.start(new Collector().sink).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelAuthError);
    const message = (error as Error).message;
    expect(message).toContain('Slack account "work"');
    expect(message).toContain("invalid_auth");
    expect(message).toContain("channels.slack.accounts.work.botToken");
    expect(message).not.toContain(badToken);
    expect(channel.health()).toMatchObject({ state: "needs-login" });
    expect(channel.health().reason).toBe(message);
    expect(h.fake.socketConnections(app.id)).toBe(0);
    expect(leakedSecrets(h.logger, [badToken, app.appToken])).toEqual([]);
  });

  it("a refused app-level token → needs-login naming the account and the appToken setting", async () => {
    const { app, bot } = world();
    h.fake.revokeToken(app.appToken);
    const channel = h.channel({ accountId: "work", botToken: bot.botToken, appToken: app.appToken });
    const error = await channel.start(new Collector().sink).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelAuthError);
    expect((error as Error).message).toContain("channels.slack.accounts.work.appToken");
    expect((error as Error).message).toContain("token_revoked");
    expect(channel.health().state).toBe("needs-login");
    expect(h.hub.connectionCount).toBe(0);
    expect(leakedSecrets(h.logger, [bot.botToken, app.appToken])).toEqual([]);
  });

  it("an app-level token revoked while running → needs-login on the next reconnect, which then stops", async () => {
    const { app, bot } = world();
    const channel = h.channel({ accountId: "work", botToken: bot.botToken, appToken: app.appToken });
    await channel.start(new Collector().sink);
    h.fake.revokeToken(app.appToken);
    h.fake.dropSockets(app.id);
    await waitFor(() => channel.health().state === "needs-login");
    expect(channel.health().reason).toContain("channels.slack.accounts.work.appToken");
    const attempts = h.fake.callsTo("apps.connections.open").length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(h.fake.callsTo("apps.connections.open")).toHaveLength(attempts);
    expect(leakedSecrets(h.logger, [bot.botToken, app.appToken])).toEqual([]);
  });

  it("a bot token revoked while running → the send fails with needs-login, not a retry loop", async () => {
    const { app, bot, chan } = world();
    const channel = h.channel({ accountId: "work", botToken: bot.botToken, appToken: app.appToken });
    await channel.start(new Collector().sink);
    h.fake.revokeToken(bot.botToken);
    const target = { channel: "slack", accountId: "work", peer: { kind: "channel" as const, id: chan.id } };
    await expect(channel.send(target, { text: "x" })).rejects.toBeInstanceOf(ChannelAuthError);
    expect(channel.health().state).toBe("needs-login");
    const calls = h.fake.callsTo("chat.postMessage").length;
    await expect(channel.send(target, { text: "y" })).rejects.toBeInstanceOf(ChannelAuthError);
    expect(h.fake.callsTo("chat.postMessage")).toHaveLength(calls);
    // A healthy socket does not paper over it.
    h.fake.disconnectSockets(app.id);
    await h.fake.waitForSockets(app.id, { opened: 2, open: 1 });
    expect(channel.health().state).toBe("needs-login");
    expect(leakedSecrets(h.logger, [bot.botToken, app.appToken])).toEqual([]);
  });

  it("tokens_revoked for this bot → needs-login", async () => {
    const { app, bot, team } = world();
    const channel = h.channel({ botToken: bot.botToken, appToken: app.appToken });
    await channel.start(new Collector().sink);
    await h.fake.sendEvent(bot, { type: "tokens_revoked", tokens: { oauth: [], bot: [bot.botUserId] } });
    expect(channel.health()).toMatchObject({ state: "needs-login" });
    expect(channel.health().reason).toContain(`revoked in workspace ${team.id}`);
  });

  it("stop() is idempotent and leaves no connection behind", async () => {
    const { app, bot } = world();
    const channel = h.channel({ botToken: bot.botToken, appToken: app.appToken });
    await channel.start(new Collector().sink);
    await channel.stop();
    await channel.stop();
    expect(channel.health().state).toBe("stopped");
    await h.fake.waitForSockets(app.id, { open: 0 });
    // And it can start again.
    await channel.start(new Collector().sink);
    expect(channel.health().state).toBe("ready");
  });
});
