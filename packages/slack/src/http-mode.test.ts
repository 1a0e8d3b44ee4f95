import { NotSupportedError } from "@patchbay/core";
import type { FakeApp, FakeInstallation, FakeUser, FakeWorkspace } from "@patchbay/testkit/slack";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Collector, type Harness, harness, leakedSecrets } from "./e2e.support.js";
import type { SlackChannel } from "./slack-channel.js";

let h: Harness;
let team: FakeWorkspace;
let app: FakeApp;
let bot: FakeInstallation;
let ann: FakeUser;
let channel: SlackChannel;
let inbox: Collector;

beforeEach(async () => {
  h = await harness();
  team = h.fake.addWorkspace();
  app = h.fake.addApp();
  bot = h.fake.install(app.id, team.id);
  ann = h.fake.addUser(team.id, { name: "ann" });
  channel = h.channel({ botToken: bot.botToken, signingSecret: app.signingSecret });
  h.fake.setEventUrl(app.id, await h.mount(channel));
  inbox = new Collector();
});

afterEach(async () => {
  await h.close();
});

describe("HTTP mode (Events API)", () => {
  it("infers HTTP mode from a signing secret alone and opens no socket", async () => {
    await channel.start(inbox.sink);
    expect(channel.mode).toBe("http");
    expect(channel.health().state).toBe("ready");
    expect(h.fake.callsTo("apps.connections.open")).toHaveLength(0);
  });

  it("answers url_verification with the challenge", async () => {
    const answer = await h.fake.urlVerification(app.id, "chal-123");
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ challenge: "chal-123" });
  });

  it("turns a signed event into an envelope, acks 200, and the reply goes out as the bot", async () => {
    await channel.start(inbox.sink);
    const chan = h.fake.addChannel(team.id);
    const said = await h.fake.userSays({ channel: chan.id, user: ann.id, text: "over http" });
    expect(said.deliveries[0]?.result).toEqual({ via: "http", status: 200, body: "" });
    const envelope = await inbox.next();
    expect(envelope).toMatchObject({
      peer: { kind: "channel", id: chan.id },
      teamId: team.id,
      text: "over http",
    });
    await channel.send({ channel: "slack", accountId: "default", peer: envelope.peer }, { text: "ok" });
    expect(await h.fake.nextPost()).toMatchObject({ token: bot.botToken, channel: chan.id, text: "ok" });
  });

  it.each(["forged", "stale", "future", "missing"] as const)(
    "refuses a %s request with 401; it reaches nobody",
    async (signature) => {
      await channel.start(inbox.sink);
      const chan = h.fake.addChannel(team.id);
      const said = await h.fake.userSays({ channel: chan.id, user: ann.id, text: "evil", signature });
      expect(said.deliveries.map((d) => d.result)).toEqual([
        { via: "http", status: 401, body: "invalid request signature" },
      ]);
      const verification = await h.fake.urlVerification(app.id, "c", signature);
      expect(verification.status).toBe(401);
      expect(inbox.envelopes).toHaveLength(0);
      expect(h.fake.callsTo("conversations.info")).toHaveLength(0);
      expect(h.fake.callsTo("users.info")).toHaveLength(0);
      expect(
        h.logger.records.filter((r) => r.message.includes("signature verification failed")),
      ).toHaveLength(2);
    },
  );

  it("uses the injected clock for the 5-minute window", async () => {
    const skewed = h.channel({
      accountId: "skewed",
      botToken: bot.botToken,
      signingSecret: app.signingSecret,
      now: () => Date.now() + 6 * 60_000,
    });
    h.fake.setEventUrl(app.id, await h.mount(skewed));
    await skewed.start(inbox.sink);
    const chan = h.fake.addChannel(team.id);
    const said = await h.fake.userSays({ channel: chan.id, user: ann.id, text: "late" });
    expect(said.deliveries[0]?.result).toMatchObject({ status: 401 });
  });

  it("processes Slack's retries (X-Slack-Retry-Num, same event_id) once", async () => {
    await channel.start(inbox.sink);
    const chan = h.fake.addChannel(team.id);
    const said = await h.fake.userSays({ channel: chan.id, user: ann.id, text: "only once" });
    const first = said.deliveries[0];
    if (!first) throw new Error("no delivery");
    const retries = [
      await h.fake.redeliver(first, { retryNum: 1, retryReason: "http_timeout" }),
      await h.fake.redeliver(first, { retryNum: 2, retryReason: "http_timeout" }),
    ];
    expect(retries.map((r) => r.result)).toMatchObject([{ status: 200 }, { status: 200 }]);
    await inbox.next();
    expect(inbox.envelopes).toHaveLength(1);
  });

  it("remembers event ids in the state store, so a retry after a restart is still dropped", async () => {
    await channel.start(inbox.sink);
    const chan = h.fake.addChannel(team.id);
    const said = await h.fake.userSays({ channel: chan.id, user: ann.id, text: "before restart" });
    await inbox.next();
    await channel.stop();

    const restarted = h.channel({ botToken: bot.botToken, signingSecret: app.signingSecret });
    h.fake.setEventUrl(app.id, await h.mount(restarted));
    const after = new Collector();
    await restarted.start(after.sink);
    const first = said.deliveries[0];
    if (!first) throw new Error("no delivery");
    expect((await h.fake.redeliver(first)).result).toMatchObject({ status: 200 });
    await h.fake.userSays({ channel: chan.id, user: ann.id, text: "new one" });
    expect((await after.next()).text).toBe("new one");
    expect(after.envelopes.map((e) => e.text)).toEqual(["new one"]);
  });

  it("answers 500 when the sink fails, so Slack retries, and processes that retry", async () => {
    await channel.start(inbox.sink);
    const chan = h.fake.addChannel(team.id);
    inbox.failNext = 1;
    const said = await h.fake.userSays({ channel: chan.id, user: ann.id, text: "second chance" });
    const first = said.deliveries[0];
    if (!first) throw new Error("no delivery");
    expect(first.result).toMatchObject({ status: 500 });
    expect((await h.fake.redeliver(first)).result).toMatchObject({ status: 200 });
    expect((await inbox.next()).text).toBe("second chance");
  });

  it("answers 503 before start (Slack retries later) and logs and drops a malformed body with 400", async () => {
    const chan = h.fake.addChannel(team.id);
    const early = await h.fake.userSays({ channel: chan.id, user: ann.id, text: "too early" });
    expect(early.deliveries[0]?.result).toMatchObject({ status: 503 });
    await channel.start(inbox.sink);
    const broken = await h.fake.postRaw(app.id, "{not json");
    expect(broken.status).toBe(400);
    const notObject = await h.fake.postRaw(app.id, "[1,2]");
    expect(notObject.status).toBe(400);
    expect(
      h.logger.records.filter((r) => r.level === "warn" && r.message.startsWith("Malformed")),
    ).toHaveLength(2);
    await h.fake.userSays({ channel: chan.id, user: ann.id, text: "fine" });
    expect((await inbox.next()).text).toBe("fine");
    expect(leakedSecrets(h.logger, [bot.botToken, app.signingSecret])).toEqual([]);
  });

  it("routes events arriving at one Request URL to the account of their workspace", async () => {
    const other = h.fake.addWorkspace();
    const otherBot = h.fake.install(app.id, other.id);
    const otherUser = h.fake.addUser(other.id, { name: "olga" });
    const otherChan = h.fake.addChannel(other.id);
    const otherInbox = new Collector();
    const otherChannel = h.channel({
      accountId: "other",
      botToken: otherBot.botToken,
      signingSecret: app.signingSecret,
    });
    await channel.start(inbox.sink);
    await otherChannel.start(otherInbox.sink);
    // Only the first account's handler is mounted at the app's Request URL.
    await h.fake.userSays({ channel: otherChan.id, user: otherUser.id, text: "for other" });
    expect((await otherInbox.next()).accountId).toBe("other");
    expect(inbox.envelopes).toHaveLength(0);
  });

  it("has no HTTP handler in Socket Mode", () => {
    const socket = h.channel({ accountId: "sock", botToken: bot.botToken, appToken: app.appToken });
    expect(() => socket.httpHandler()).toThrow(NotSupportedError);
  });
});
