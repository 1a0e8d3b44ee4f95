import { waitFor } from "@patchbay/testkit";
import type { FakeApp, FakeInstallation, FakeUser, FakeWorkspace } from "@patchbay/testkit/slack";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Collector, type Harness, harness } from "./e2e.support.js";
import type { SlackChannel } from "./slack-channel.js";

let h: Harness;
let team: FakeWorkspace;
let app: FakeApp;
let bot: FakeInstallation;
let alice: FakeUser;
let channel: SlackChannel;
let inbox: Collector;

beforeEach(async () => {
  h = await harness();
  team = h.fake.addWorkspace({ name: "Acme" });
  app = h.fake.addApp();
  bot = h.fake.install(app.id, team.id, { botName: "patchbot" });
  alice = h.fake.addUser(team.id, { name: "alice", realName: "Alice Liddell" });
  channel = h.channel({ botToken: bot.botToken, appToken: app.appToken });
  inbox = new Collector();
  await channel.start(inbox.sink);
});

afterEach(async () => {
  await h.close();
});

describe("Socket Mode inbound", () => {
  it("connects over Socket Mode with the app token and reports ready", async () => {
    expect(channel.health().state).toBe("ready");
    expect(h.fake.socketConnections(app.id)).toBe(1);
    expect(h.fake.callsTo("apps.connections.open")[0]?.token).toBe(app.appToken);
    expect(channel.identity).toMatchObject({ teamId: team.id, botUserId: bot.botUserId, botId: bot.botId });
  });

  it("maps a DM to a direct peer keyed by the user, and replies in that DM as the bot", async () => {
    const dm = h.fake.imWith(team.id, alice.id);
    await h.fake.userSays({ channel: dm.id, user: alice.id, text: "hi &amp; hello" });
    const envelope = await inbox.next();
    expect(envelope).toMatchObject({
      channel: "slack",
      accountId: "default",
      peer: { kind: "direct", id: alice.id },
      teamId: team.id,
      sender: { id: alice.id, isBot: false, name: "alice", username: "alice" },
      text: "hi & hello",
      mentionsBot: false,
      replyToBot: false,
    });
    expect(envelope.threadId).toBeUndefined();
    expect(envelope.id).toMatch(new RegExp(`^${dm.id}:\\d+\\.\\d+$`));

    const sent = await channel.send(
      { channel: "slack", accountId: "default", peer: envelope.peer },
      { text: "hello back" },
    );
    const post = await h.fake.nextPost();
    expect(post).toMatchObject({
      channel: dm.id,
      text: "hello back",
      token: bot.botToken,
      threadTs: undefined,
    });
    expect(sent.ids).toEqual([`${dm.id}:${post.ts}`]);
  });

  it("maps public and private channels to channel peers and MPIMs to group peers", async () => {
    const general = h.fake.addChannel(team.id, { name: "general" });
    const secret = h.fake.addChannel(team.id, { name: "secret", kind: "private" });
    const mpim = h.fake.addChannel(team.id, { kind: "mpim" });
    await h.fake.userSays({ channel: general.id, user: alice.id, text: "one" });
    await h.fake.userSays({ channel: secret.id, user: alice.id, text: "two" });
    await h.fake.userSays({ channel: mpim.id, user: alice.id, text: "three" });
    expect((await inbox.next()).peer).toEqual({ kind: "channel", id: general.id });
    expect((await inbox.next()).peer).toEqual({ kind: "channel", id: secret.id });
    expect((await inbox.next()).peer).toEqual({ kind: "group", id: mpim.id });
  });

  it("gives thread replies a threadId and answers inside the thread", async () => {
    const general = h.fake.addChannel(team.id);
    const root = await h.fake.userSays({ channel: general.id, user: alice.id, text: "root" });
    const rootEnvelope = await inbox.next();
    expect(rootEnvelope.threadId).toBeUndefined();

    await h.fake.userSays({ channel: general.id, user: alice.id, text: "in thread", threadTs: root.ts });
    const reply = await inbox.next();
    expect(reply.threadId).toBe(root.ts);
    expect(reply.peer).toEqual({ kind: "channel", id: general.id });
    expect(reply.replyTo).toEqual({ id: `${general.id}:${root.ts}`, senderId: alice.id });
    expect(reply.replyToBot).toBe(false);

    await channel.send(
      { channel: "slack", accountId: "default", peer: reply.peer, threadId: reply.threadId as string },
      { text: "answer" },
    );
    expect(await h.fake.nextPost()).toMatchObject({
      channel: general.id,
      threadTs: root.ts,
      token: bot.botToken,
    });
  });

  it("marks a thread reply under the bot's own message as replyToBot", async () => {
    const general = h.fake.addChannel(team.id);
    const sent = await channel.send(
      { channel: "slack", accountId: "default", peer: { kind: "channel", id: general.id } },
      { text: "I started this" },
    );
    const botTs = (sent.ids[0] as string).split(":")[1] as string;
    await h.fake.userSays({ channel: general.id, user: alice.id, text: "replying to you", threadTs: botTs });
    const envelope = await inbox.next();
    expect(envelope).toMatchObject({
      threadId: botTs,
      replyToBot: true,
      replyTo: { senderId: bot.botUserId },
    });
  });

  it("delivers a mention once although Slack sends both message and app_mention", async () => {
    const general = h.fake.addChannel(team.id);
    const said = await h.fake.userSays({
      channel: general.id,
      user: alice.id,
      text: `<@${bot.botUserId}> ping`,
    });
    expect(said.deliveries.map((d) => d.body.event.type).sort()).toEqual(["app_mention", "message"]);
    const envelope = await inbox.next();
    expect(envelope).toMatchObject({ mentionsBot: true, peer: { kind: "channel", id: general.id } });
    expect(said.deliveries.every((d) => d.result.via === "socket" && d.result.acked)).toBe(true);
    expect(inbox.envelopes).toHaveLength(1);
  });

  it("resolves the peer kind of an app_mention (no channel_type) with conversations.info", async () => {
    const mpim = h.fake.addChannel(team.id, { kind: "mpim" });
    await h.fake.userSays({
      channel: mpim.id,
      user: alice.id,
      text: `hey <@${bot.botUserId}|patchbot>`,
      appMention: "only",
    });
    const envelope = await inbox.next();
    expect(envelope).toMatchObject({ mentionsBot: true, peer: { kind: "group", id: mpim.id } });
    expect(h.fake.callsTo("conversations.info").map((c) => c.params.channel)).toEqual([mpim.id]);
  });

  it("ignores the bot's own messages (Slack echoes every post) and marks other bots as bots", async () => {
    const general = h.fake.addChannel(team.id);
    await channel.send(
      { channel: "slack", accountId: "default", peer: { kind: "channel", id: general.id } },
      { text: "echo me" },
    );
    await h.fake.integrationSays({
      channel: general.id,
      botId: "BOTHER",
      name: "ci-bot",
      text: "build green",
    });
    const envelope = await inbox.next();
    expect(envelope).toMatchObject({
      sender: { id: "BOTHER", isBot: true, name: "ci-bot" },
      text: "build green",
    });
    // The echo of our own post was delivered and acked, but never became an envelope.
    await waitFor(() => h.fake.deliveries.some((d) => d.body.event.user === bot.botUserId));
    expect(inbox.envelopes.map((e) => e.text)).toEqual(["build green"]);
  });

  it("drops edits and deletions deliberately, with a debug log", async () => {
    const general = h.fake.addChannel(team.id);
    const edit = await h.fake.sendEvent(bot, {
      type: "message",
      subtype: "message_changed",
      channel: general.id,
      channel_type: "channel",
      hidden: true,
      ts: h.fake.nextTs(),
      message: { type: "message", user: alice.id, text: "edited", ts: "1.000001" },
    });
    const deletion = await h.fake.sendEvent(bot, {
      type: "message",
      subtype: "message_deleted",
      channel: general.id,
      channel_type: "channel",
      hidden: true,
      ts: h.fake.nextTs(),
      deleted_ts: "1.000001",
    });
    expect(edit.result).toMatchObject({ acked: true });
    expect(deletion.result).toMatchObject({ acked: true });
    expect(inbox.envelopes).toHaveLength(0);
    const drops = h.logger.records.filter((r) => r.message === "Slack event dropped");
    expect(drops.map((r) => [r.level, r.fields.subtype])).toEqual([
      ["debug", "message_changed"],
      ["debug", "message_deleted"],
    ]);
  });

  it("logs and drops a malformed payload without crashing, and keeps working", async () => {
    const general = h.fake.addChannel(team.id);
    const garbage = await h.fake.sendRawEnvelope(app.id, "not an object");
    const noEvent = await h.fake.sendRawEnvelope(app.id, { type: "event_callback", team_id: team.id });
    expect(noEvent.acked).toBe(true);
    const badEvent = await h.fake.sendEvent(bot, {
      type: "message",
      channel: general.id,
      text: "no ts or user",
    });
    expect(garbage.acked).toBe(true);
    expect(badEvent.result).toMatchObject({ acked: true });
    const warnings = h.logger.records.filter((r) => r.level === "warn").map((r) => r.message);
    expect(warnings).toContain("Malformed Socket Mode envelope dropped (payload is not an object)");
    expect(
      h.logger.records.some((r) => r.level === "warn" && String(r.fields.reason).startsWith("malformed")),
    ).toBe(true);
    await h.fake.userSays({ channel: general.id, user: alice.id, text: "still here" });
    expect((await inbox.next()).text).toBe("still here");
  });

  it("processes a retried event (same event_id) once", async () => {
    const general = h.fake.addChannel(team.id);
    const said = await h.fake.userSays({ channel: general.id, user: alice.id, text: "once" });
    const first = said.deliveries[0];
    if (!first) throw new Error("no delivery");
    const retry = await h.fake.redeliver(first, { retryNum: 1, retryReason: "timeout" });
    expect(retry.result).toMatchObject({ acked: true });
    await inbox.next();
    expect(inbox.envelopes.map((e) => e.text)).toEqual(["once"]);
    expect(h.logger.records.some((r) => r.message === "Duplicate Slack event dropped")).toBe(true);
  });

  it("acks only after the sink took the envelope; a failed sink leaves it unacked and the retry goes through", async () => {
    const general = h.fake.addChannel(team.id);
    inbox.failNext = 1;
    const said = await h.fake.userSays({ channel: general.id, user: alice.id, text: "durable" });
    const first = said.deliveries[0];
    if (!first) throw new Error("no delivery");
    expect(first.result).toMatchObject({ acked: false });
    expect(inbox.envelopes).toHaveLength(0);

    const retry = await h.fake.redeliver(first);
    expect(retry.result).toMatchObject({ acked: true });
    expect((await inbox.next()).text).toBe("durable");
  });
});
