import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Collector, type Harness, harness } from "./e2e.support.js";
import { SlackSocketHub } from "./socket-hub.js";

let h: Harness;

beforeEach(async () => {
  h = await harness();
});

afterEach(async () => {
  await h.close();
});

describe("several workspaces on one app (OpenClaw #58523)", () => {
  it("shares one Socket Mode connection; each account gets only its workspace's events and replies with its own bot", async () => {
    const app = h.fake.addApp();
    const acme = h.fake.addWorkspace({ name: "Acme" });
    const globex = h.fake.addWorkspace({ name: "Globex" });
    const acmeBot = h.fake.install(app.id, acme.id);
    const globexBot = h.fake.install(app.id, globex.id);
    const acmeUser = h.fake.addUser(acme.id, { name: "ann" });
    const globexUser = h.fake.addUser(globex.id, { name: "gus" });
    const acmeChan = h.fake.addChannel(acme.id);
    const globexChan = h.fake.addChannel(globex.id);

    const acmeInbox = new Collector();
    const globexInbox = new Collector();
    const acmeChannel = h.channel({ accountId: "acme", botToken: acmeBot.botToken, appToken: app.appToken });
    const globexChannel = h.channel({
      accountId: "globex",
      botToken: globexBot.botToken,
      appToken: app.appToken,
    });
    await Promise.all([acmeChannel.start(acmeInbox.sink), globexChannel.start(globexInbox.sink)]);

    expect(h.fake.socketConnections(app.id)).toBe(1);
    expect(h.hub.connectionCount).toBe(1);

    // Several messages each way: with one connection per account, Slack's round-robin would
    // hand about half of them to the wrong account.
    for (let i = 0; i < 4; i++) {
      await h.fake.userSays({ channel: acmeChan.id, user: acmeUser.id, text: `acme ${i}` });
      await h.fake.userSays({ channel: globexChan.id, user: globexUser.id, text: `globex ${i}` });
    }
    for (let i = 0; i < 4; i++) {
      await acmeInbox.next();
      await globexInbox.next();
    }
    expect(acmeInbox.envelopes.map((e) => [e.accountId, e.teamId, e.text])).toEqual(
      [0, 1, 2, 3].map((i) => ["acme", acme.id, `acme ${i}`]),
    );
    expect(globexInbox.envelopes.map((e) => [e.accountId, e.teamId, e.text])).toEqual(
      [0, 1, 2, 3].map((i) => ["globex", globex.id, `globex ${i}`]),
    );

    const [fromAcme] = acmeInbox.envelopes;
    const [fromGlobex] = globexInbox.envelopes;
    if (!fromAcme || !fromGlobex) throw new Error("missing envelopes");
    await acmeChannel.send({ channel: "slack", accountId: "acme", peer: fromAcme.peer }, { text: "hi acme" });
    await globexChannel.send(
      { channel: "slack", accountId: "globex", peer: fromGlobex.peer },
      { text: "hi globex" },
    );
    expect(await h.fake.nextPost({ channel: acmeChan.id })).toMatchObject({
      token: acmeBot.botToken,
      teamId: acme.id,
    });
    expect(await h.fake.nextPost({ channel: globexChan.id })).toMatchObject({
      token: globexBot.botToken,
      teamId: globex.id,
    });

    // Account affinity: one account never sends another's reply.
    await expect(
      acmeChannel.send({ channel: "slack", accountId: "globex", peer: fromGlobex.peer }, { text: "wrong" }),
    ).rejects.toMatchObject({ code: "ACCOUNT_MISMATCH" });

    // The connection stays until the last account leaves.
    await acmeChannel.stop();
    expect(h.fake.socketConnections(app.id)).toBe(1);
    await h.fake.userSays({ channel: globexChan.id, user: globexUser.id, text: "after acme left" });
    expect((await globexInbox.next()).text).toBe("after acme left");
    await globexChannel.stop();
    await h.fake.waitForSockets(app.id, { open: 0 });
    expect(h.hub.connectionCount).toBe(0);
  });

  it("control: without a shared connection the fake reproduces the lost-events bug", async () => {
    const app = h.fake.addApp();
    const acme = h.fake.addWorkspace();
    const globex = h.fake.addWorkspace();
    const acmeBot = h.fake.install(app.id, acme.id);
    const globexBot = h.fake.install(app.id, globex.id);
    const acmeUser = h.fake.addUser(acme.id, { name: "ann" });
    const acmeChan = h.fake.addChannel(acme.id);
    const acmeInbox = new Collector();
    // Separate hubs: one connection per account, as a naive adapter would open.
    const acmeChannel = h.channel({
      botToken: acmeBot.botToken,
      appToken: app.appToken,
      socketHub: new SlackSocketHub(),
    });
    const globexChannel = h.channel({
      accountId: "globex",
      botToken: globexBot.botToken,
      appToken: app.appToken,
      socketHub: new SlackSocketHub(),
    });
    await acmeChannel.start(acmeInbox.sink);
    await globexChannel.start(new Collector().sink);
    expect(h.fake.socketConnections(app.id)).toBe(2);
    for (let i = 0; i < 4; i++)
      await h.fake.userSays({ channel: acmeChan.id, user: acmeUser.id, text: `m${i}` });
    // Round-robin handed half of acme's events to globex's connection, where they are dropped.
    expect(acmeInbox.envelopes.length).toBe(2);
  });

  it("uses separate connections for separate apps", async () => {
    const team = h.fake.addWorkspace();
    const appA = h.fake.addApp();
    const appB = h.fake.addApp();
    const botA = h.fake.install(appA.id, team.id);
    const botB = h.fake.install(appB.id, team.id);
    const a = h.channel({ accountId: "a", botToken: botA.botToken, appToken: appA.appToken });
    const b = h.channel({ accountId: "b", botToken: botB.botToken, appToken: appB.appToken });
    await a.start(new Collector().sink);
    await b.start(new Collector().sink);
    expect(h.fake.socketConnections(appA.id)).toBe(1);
    expect(h.fake.socketConnections(appB.id)).toBe(1);
    expect(h.hub.connectionCount).toBe(2);
  });

  it("drops (and acks) an event for a workspace no account serves", async () => {
    const app = h.fake.addApp();
    const served = h.fake.addWorkspace();
    const stranger = h.fake.addWorkspace();
    const servedBot = h.fake.install(app.id, served.id);
    h.fake.install(app.id, stranger.id);
    const strangerUser = h.fake.addUser(stranger.id, { name: "who" });
    const strangerChan = h.fake.addChannel(stranger.id);
    const inbox = new Collector();
    await h.channel({ botToken: servedBot.botToken, appToken: app.appToken }).start(inbox.sink);
    const said = await h.fake.userSays({ channel: strangerChan.id, user: strangerUser.id, text: "hello?" });
    expect(said.deliveries[0]?.result).toMatchObject({ acked: true });
    expect(inbox.envelopes).toHaveLength(0);
    expect(h.logger.records.some((r) => r.message.startsWith("Event for a workspace no account"))).toBe(true);
  });

  it("refuses two accounts for the same workspace on one app token", async () => {
    const app = h.fake.addApp();
    const team = h.fake.addWorkspace();
    const bot = h.fake.install(app.id, team.id);
    await h
      .channel({ accountId: "one", botToken: bot.botToken, appToken: app.appToken })
      .start(new Collector().sink);
    const twin = h.channel({ accountId: "two", botToken: bot.botToken, appToken: app.appToken });
    await expect(twin.start(new Collector().sink)).rejects.toMatchObject({ code: "CONFIG_INVALID" });
  });
});
