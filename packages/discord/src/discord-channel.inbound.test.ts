import { waitFor } from "@patchbay/testkit";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Adapters, fastOptions, Inbox, startWorld, type World } from "./test/harness.js";

let world: World;
const adapters = new Adapters();

beforeAll(async () => {
  world = await startWorld();
});
afterEach(async () => {
  await adapters.stopAll();
  world.fake.resetRecords();
});
afterAll(() => world.fake.stop());

describe("inbound envelopes (discord.js against the fake)", () => {
  it("guild channel: peer channel, guildId, the member's role ids, sender names", async () => {
    const { fake, alpha, alice, general, guildId, mods } = world;
    const { inbox } = await adapters.start(fastOptions(fake, alpha));
    fake.say({ from: alice.id, in: general, text: "hello there" });
    const envelope = await inbox.next("hello there");
    expect(envelope).toMatchObject({
      channel: "discord",
      accountId: "alpha",
      peer: { kind: "channel", id: general },
      guildId,
      memberRoleIds: [mods.id],
      sender: { id: alice.id, name: "Ali", username: "alice", isBot: false },
      mentionsBot: false,
      replyToBot: false,
      attachments: [],
    });
    expect(envelope.parentPeer).toBeUndefined();
    expect(envelope.timestamp).toBeGreaterThan(0);
    expect((envelope.raw as { id: string }).id).toBe(envelope.id);
  });

  it("thread: peer is the thread, parentPeer the parent channel", async () => {
    const { fake, alpha, alice, general, thread, guildId } = world;
    const { inbox } = await adapters.start(fastOptions(fake, alpha));
    fake.say({ from: alice.id, in: thread, text: "in the thread" });
    const envelope = await inbox.next("in the thread");
    expect(envelope.peer).toEqual({ kind: "channel", id: thread });
    expect(envelope.parentPeer).toEqual({ kind: "channel", id: general });
    expect(envelope.threadId).toBe(thread);
    expect(envelope.guildId).toBe(guildId);
  });

  it("a thread created after login is known through THREAD_CREATE", async () => {
    const { fake, alpha, alice, general } = world;
    const { inbox } = await adapters.start(fastOptions(fake, alpha));
    const late = fake.addThread(general, { name: "late" }).id;
    fake.say({ from: alice.id, in: late, text: "late thread" });
    const envelope = await inbox.next("late thread");
    expect(envelope.parentPeer).toEqual({ kind: "channel", id: general });
  });

  it("DM: peer direct with the author id, no guild", async () => {
    const { fake, alpha, bob } = world;
    const { inbox } = await adapters.start(fastOptions(fake, alpha));
    fake.sayDm({ from: bob.id, to: alpha.id, text: "psst" });
    const envelope = await inbox.next("psst");
    expect(envelope.peer).toEqual({ kind: "direct", id: bob.id });
    expect(envelope.guildId).toBeUndefined();
    expect(envelope.memberRoleIds).toBeUndefined();
    expect(envelope.sender).toMatchObject({ id: bob.id, name: "bob", isBot: false });
  });

  it("group DM: peer group with the channel id", async () => {
    const { fake, alpha, alice, groupDm } = world;
    const { inbox } = await adapters.start(fastOptions(fake, alpha));
    fake.say({ from: alice.id, in: groupDm, text: "group hello" });
    const envelope = await inbox.next("group hello");
    expect(envelope.peer).toEqual({ kind: "group", id: groupDm });
  });

  it("mentionsBot for a user mention of this bot and for its managed role, not for another bot", async () => {
    const { fake, alpha, beta, alice, general, guildId } = world;
    const { inbox } = await adapters.start(fastOptions(fake, alpha));
    fake.say({ from: alice.id, in: general, text: `<@${alpha.id}> direct` });
    fake.say({ from: alice.id, in: general, text: `<@&${fake.botRole(guildId, alpha.id).id}> by role` });
    fake.say({ from: alice.id, in: general, text: `<@${beta.id}> other bot` });
    fake.say({ from: alice.id, in: general, text: "@everyone all" });
    expect((await inbox.next(`<@${alpha.id}> direct`)).mentionsBot).toBe(true);
    expect((await inbox.next(`<@&${fake.botRole(guildId, alpha.id).id}> by role`)).mentionsBot).toBe(true);
    expect((await inbox.next(`<@${beta.id}> other bot`)).mentionsBot).toBe(false);
    expect((await inbox.next("@everyone all")).mentionsBot).toBe(false);
  });

  it("replyToBot for a reply to this bot's message, with replyTo details", async () => {
    const { fake, alpha, beta, alice, general } = world;
    const { adapter, inbox } = await adapters.start(fastOptions(fake, alpha));
    await adapters.start(fastOptions(fake, beta));
    const target = {
      channel: "discord",
      accountId: "alpha",
      peer: { kind: "channel" as const, id: general },
    };
    const [mine] = (await adapter.send(target, { text: "I am alpha" })).ids;
    const theirs = fake.say({ from: beta.id, in: general, text: "I am beta" });
    fake.say({ from: alice.id, in: general, text: "reply to alpha", replyTo: mine });
    fake.say({ from: alice.id, in: general, text: "reply to beta", replyTo: theirs.id });
    const toAlpha = await inbox.next("reply to alpha");
    expect(toAlpha.replyToBot).toBe(true);
    expect(toAlpha.replyTo).toEqual({ id: mine, text: "I am alpha", senderId: alpha.id });
    const toBeta = await inbox.next("reply to beta");
    expect(toBeta.replyToBot).toBe(false);
    expect(toBeta.replyTo?.senderId).toBe(beta.id);
  });

  it("ignores the bot's own messages and marks other bots' messages isBot", async () => {
    const { fake, alpha, beta, alice, general } = world;
    const alphaRun = await adapters.start(fastOptions(fake, alpha));
    const betaRun = await adapters.start(fastOptions(fake, beta));
    const target = {
      channel: "discord",
      accountId: "alpha",
      peer: { kind: "channel" as const, id: general },
    };
    await alphaRun.adapter.send(target, { text: "alpha speaking" });
    fake.say({ from: alice.id, in: general, text: "marker" });
    const fromAlpha = await betaRun.inbox.next("alpha speaking");
    expect(fromAlpha.sender).toMatchObject({ id: alpha.id, isBot: true });
    await alphaRun.inbox.next("marker");
    expect(alphaRun.inbox.envelopes.map((e) => e.text)).not.toContain("alpha speaking");
  });

  it("attachments become metadata", async () => {
    const { fake, alpha, alice, general } = world;
    const { inbox } = await adapters.start(fastOptions(fake, alpha));
    fake.say({
      from: alice.id,
      in: general,
      text: "files",
      attachments: [
        { filename: "cat.png", contentType: "image/png", size: 2048 },
        { filename: "notes.pdf", contentType: "application/pdf" },
      ],
    });
    const envelope = await inbox.next("files");
    expect(envelope.attachments).toHaveLength(2);
    expect(envelope.attachments[0]).toMatchObject({
      kind: "image",
      name: "cat.png",
      mime: "image/png",
      size: 2048,
    });
    expect(envelope.attachments[0]?.url).toMatch(/^https:\/\/cdn\.discordapp\.com\//);
    expect(envelope.attachments[1]).toMatchObject({ kind: "document", name: "notes.pdf" });
  });

  it("logs and drops a malformed MESSAGE_CREATE, then keeps going", async () => {
    const { fake, alpha, alice, general, guildId } = world;
    const { inbox, logger } = await adapters.start(fastOptions(fake, alpha));
    fake.dispatchRaw(alpha.id, "MESSAGE_CREATE", {
      id: "123",
      channel_id: general,
      guild_id: guildId,
      content: 42,
    });
    fake.sendRawFrame(alpha.id, "{this is not json");
    fake.say({ from: alice.id, in: general, text: "still alive" });
    await inbox.next("still alive");
    expect(inbox.envelopes.map((e) => e.text)).toEqual(["still alive"]);
    const warning = logger.records.find((r) => r.message === "dropped malformed discord message");
    expect(warning?.level).toBe("warn");
    expect(String(warning?.fields.issues)).toMatch(/author/);
  });

  it("delivers a message id once even when the platform sends it twice", async () => {
    const { fake, alpha, alice, general } = world;
    const inbox = new Inbox();
    await adapters.start(fastOptions(fake, alpha), inbox);
    const message = fake.say({ from: alice.id, in: general, text: "only once" });
    fake.dispatchRaw(alpha.id, "MESSAGE_CREATE", message);
    fake.say({ from: alice.id, in: general, text: "after" });
    await inbox.next("after");
    expect(inbox.envelopes.filter((e) => e.text === "only once")).toHaveLength(1);
  });

  it("awaits the sink: envelopes are handed over one at a time, in order", async () => {
    const { fake, alpha, alice, general } = world;
    const order: string[] = [];
    let busy = false;
    let overlapped = false;
    const inbox = new Inbox();
    const sink = async (envelope: Parameters<Inbox["sink"]>[0]) => {
      overlapped ||= busy;
      busy = true;
      await new Promise((r) => setTimeout(r, 5));
      order.push(envelope.text);
      busy = false;
      await inbox.sink(envelope);
    };
    const { adapter } = adapters.create(fastOptions(fake, alpha));
    await adapter.start(sink);
    for (const text of ["one", "two", "three"]) fake.say({ from: alice.id, in: general, text });
    await inbox.next("three");
    expect(order).toEqual(["one", "two", "three"]);
    expect(overlapped).toBe(false);
  });

  it("stop() hands every message received before it to the sink (Discord never redelivers them)", async () => {
    const { fake, alpha, alice, general } = world;
    const inbox = new Inbox();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let entered!: () => void;
    const inSink = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const { adapter, logger } = adapters.create(fastOptions(fake, alpha));
    await adapter.start(async (envelope) => {
      entered();
      await gate;
      await inbox.sink(envelope);
    });
    fake.say({ from: alice.id, in: general, text: "first" });
    await inSink;
    fake.say({ from: alice.id, in: general, text: "queued" });
    // "queued" waits behind "first", which is still in the sink, when stop() is called.
    const received = () => logger.records.filter((r) => r.message === "discord message received").length;
    await waitFor(() => received() === 2, { what: "the second message queued" });
    const stopped = adapter.stop();
    release();
    await stopped;
    expect(inbox.envelopes.map((e) => e.text)).toEqual(["first", "queued"]);
  });
});
