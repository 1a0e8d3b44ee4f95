import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRecordingLogger } from "@patchbay/core";
import { builtInChannels, type RunningGateway, startGateway, whatsappChannelWith } from "@patchbay/gateway";
import { waitFor } from "@patchbay/testkit";
import { FakeDiscord } from "@patchbay/testkit/discord";
import { FakeSlack } from "@patchbay/testkit/slack";
import { FakeTelegramBotApi } from "@patchbay/testkit/telegram";
import { FakeWhatsAppServer } from "@patchbay/testkit/whatsapp";
import { writeCredentials } from "@patchbay/whatsapp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * One gateway process, the four real adapters, the four fake platforms: the scenarios of the
 * gateway issue, end to end, with the echo agent (`[<agentId>] <text>`) telling who answered.
 */
const WA_NUMBER = "15550000001";
const ALEX_CUSTOMER = "15551230001";
const MIA_CUSTOMER = "15551230002";
const STRANGER = "15559990000";
const GUILD = "810000000000000001";
const GENERAL = "820000000000000001";
const OPS = "820000000000000002";
const TEAM = "T0E2EACME";

describe("the gateway with all four channels", () => {
  const telegram = new FakeTelegramBotApi();
  const discord = new FakeDiscord();
  const slack = new FakeSlack();
  const whatsapp = new FakeWhatsAppServer();
  let gateway: RunningGateway;
  let stateDir: string;
  const logger = createRecordingLogger();
  let slackBotUser = "";

  const tgHome = telegram.addBot({ username: "home_bot" });
  const tgWork = telegram.addBot({ username: "work_bot" });
  const dcBot = discord.addBot({ token: "e2e-discord-token.abc", username: "patchbay" });
  const ann = discord.addUser({ username: "ann" });

  beforeAll(async () => {
    await Promise.all([telegram.start(), discord.start(), slack.start(), whatsapp.start()]);
    stateDir = await mkdtemp(join(tmpdir(), "patchbay-e2e-"));

    discord.addGuild({ name: "Acme", id: GUILD });
    for (const member of [dcBot.id, ann.id]) discord.addMember(GUILD, member);
    discord.addChannel(GUILD, { name: "general", id: GENERAL });
    discord.addChannel(GUILD, { name: "ops", id: OPS });

    slack.addWorkspace({ id: TEAM, name: "Acme" });
    const app = slack.addApp();
    slackBotUser = slack.install(app.id, TEAM, { botToken: "xoxb-e2e-acme" }).botUserId;
    slack.addUser(TEAM, { id: "U0E2EANN", name: "ann" });

    whatsapp.addAccount(WA_NUMBER);
    await writeCredentials(join(stateDir, "credentials", "whatsapp", "biz"), whatsapp.linkOffline(WA_NUMBER));

    const configPath = join(stateDir, "patchbay.json");
    await writeFile(
      configPath,
      JSON.stringify({
        agents: {
          list: ["concierge", "home", "work", "alex", "mia", "support", "logger", "ops", "guild"].map(
            (id, i) => ({
              id,
              ...(i === 0 ? { default: true } : {}),
            }),
          ),
        },
        bindings: [
          { agentId: "home", match: { channel: "telegram", accountId: "home" } },
          { agentId: "work", match: { channel: "telegram", accountId: "work" } },
          { agentId: "guild", match: { channel: "discord", accountId: "*", guildId: GUILD } },
          {
            agentId: "ops",
            match: { channel: "discord", accountId: "*", peer: { kind: "channel", id: OPS } },
          },
          { agentId: "work", match: { channel: "slack", accountId: "*", teamId: TEAM } },
          {
            agentId: "alex",
            match: {
              channel: "whatsapp",
              accountId: "biz",
              peer: { kind: "direct", id: `+${ALEX_CUSTOMER}` },
            },
          },
          {
            agentId: "mia",
            match: {
              channel: "whatsapp",
              accountId: "biz",
              peer: { kind: "direct", id: `+${MIA_CUSTOMER}` },
            },
          },
        ],
        broadcast: { "120363400000000077@g.us": ["support", "logger"] },
        session: { dmScope: "per-channel-peer" },
        channels: {
          telegram: {
            apiRoot: telegram.apiRoot,
            dmPolicy: "open",
            allowFrom: ["*"],
            accounts: { home: { botToken: tgHome.token }, work: { botToken: tgWork.token } },
          },
          discord: {
            restApi: discord.restApi,
            dmPolicy: "open",
            allowFrom: ["*"],
            accounts: {
              acme: {
                token: dcBot.token,
                guilds: {
                  [GUILD]: {
                    requireMention: true,
                    channels: { [OPS]: { allow: true, requireMention: false }, "*": { allow: true } },
                  },
                },
              },
            },
          },
          slack: {
            apiUrl: slack.apiUrl,
            dmPolicy: "open",
            allowFrom: ["*"],
            groupPolicy: "open",
            accounts: { acme: { mode: "socket", botToken: "xoxb-e2e-acme", appToken: app.appToken } },
          },
          whatsapp: {
            webSocketUrl: whatsapp.url,
            dmPolicy: "allowlist",
            allowFrom: [`+${ALEX_CUSTOMER}`, `+${MIA_CUSTOMER}`],
            groupPolicy: "open",
            groups: { "120363400000000077@g.us": { requireMention: false } },
            accounts: { biz: {} },
          },
        },
      }),
    );
    gateway = await startGateway({
      configPath,
      stateDir,
      logger,
      env: {},
      port: 0,
      watchConfig: false,
      fsync: false,
      channels: {
        ...builtInChannels,
        whatsapp: whatsappChannelWith(new Map([[whatsapp.url, whatsapp.rootPublicKey]])),
      },
    });
    await waitFor(() => gateway.status().every((s) => s.state === "ready"), {
      timeoutMs: 20_000,
      what: "every account ready",
    });
  }, 60_000);

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([telegram.stop(), discord.stop(), slack.stop(), whatsapp.stop()]);
    await rm(stateDir, { recursive: true, force: true });
  });

  it("reports every account ready on /healthz", async () => {
    const response = await fetch(`${gateway.url}/healthz`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      accounts: { channel: string; accountId: string; state: string }[];
    };
    expect(body.accounts.map((a) => `${a.channel}/${a.accountId}:${a.state}`).sort()).toEqual([
      "discord/acme:ready",
      "slack/acme:ready",
      "telegram/home:ready",
      "telegram/work:ready",
      "whatsapp/biz:ready",
    ]);
  });

  it("WhatsApp: one number, DMs split by sender to alex and mia; strangers kept out by the allowlist", async () => {
    const alexCustomer = whatsapp.addContact(ALEX_CUSTOMER, { name: "Ann" });
    const miaCustomer = whatsapp.addContact(MIA_CUSTOMER, { name: "Bob" });
    const stranger = whatsapp.addContact(STRANGER, { name: "Eve" });
    const mark = whatsapp.sent.length;
    await stranger.say(WA_NUMBER, "let me in");
    await alexCustomer.say(WA_NUMBER, "hello");
    await miaCustomer.say(WA_NUMBER, "hello");
    const toAnn = await whatsapp.waitForSent((r) => r.recipient === ALEX_CUSTOMER, { after: mark });
    const toBob = await whatsapp.waitForSent((r) => r.recipient === MIA_CUSTOMER, { after: mark });
    expect(toAnn).toMatchObject({ account: WA_NUMBER, text: "[alex] hello" });
    expect(toBob).toMatchObject({ account: WA_NUMBER, text: "[mia] hello" });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(whatsapp.sent.slice(mark).some((r) => r.recipient === STRANGER)).toBe(false);
    expect(
      gateway.events.recent().find((e) => e.sender === "Eve" || e.peer === `direct:+${STRANGER}`)?.dropped,
    ).toMatch(/allowlist/);
  });

  it("WhatsApp: a group broadcast reaches two agents, each in its own session", async () => {
    const members = [
      whatsapp.addContact("15551230011", { name: "Gus" }),
      whatsapp.addContact("15551230012", { name: "Hal" }),
    ];
    const group = whatsapp.addGroup({
      subject: "Family",
      members,
      accounts: [WA_NUMBER],
      jid: "120363400000000077@g.us",
    });
    const mark = whatsapp.sent.length;
    await group.say(members[0]!, "dinner at 7");
    await whatsapp.waitForSent((r) => r.group === group.jid && r.text === "[support] dinner at 7", {
      after: mark,
    });
    await whatsapp.waitForSent((r) => r.group === group.jid && r.text === "[logger] dinner at 7", {
      after: mark,
    });
    const sessionKeys = () =>
      gateway.events
        .recent()
        .filter((e) => e.kind === "reply" && e.peer === `group:${group.jid}`)
        .map((e) => e.sessionKey)
        .sort();
    await expect
      .poll(sessionKeys)
      .toEqual([`agent:logger:whatsapp:group:${group.jid}`, `agent:support:whatsapp:group:${group.jid}`]);
  });

  it("Telegram: two bots, each answering as itself for its own agent", async () => {
    const user = telegram.user({ firstName: "Tess" });
    telegram.userMessage(tgHome, { from: user, text: "ping home" });
    telegram.userMessage(tgWork, { from: user, text: "ping work" });
    expect(await telegram.nextReply(tgHome)).toMatchObject({ token: tgHome.token, text: "[home] ping home" });
    expect(await telegram.nextReply(tgWork)).toMatchObject({ token: tgWork.token, text: "[work] ping work" });
  });

  it("Discord: a channel binding beats the guild binding, and a thread inherits its parent's route", async () => {
    discord.say({ from: ann.id, in: GENERAL, text: `<@${dcBot.id}> hi guild` });
    expect((await discord.nextBotMessage({ channelId: GENERAL })).content).toBe(
      `[guild] <@${dcBot.id}> hi guild`,
    );
    discord.say({ from: ann.id, in: OPS, text: "deploy?" });
    expect((await discord.nextBotMessage({ channelId: OPS })).content).toBe("[ops] deploy?");
    const thread = discord.addThread(OPS, { name: "incident" });
    discord.say({ from: ann.id, in: thread.id, text: "in the thread" });
    expect((await discord.nextBotMessage({ channelId: thread.id })).content).toBe("[ops] in the thread");
    const reply = gateway.events
      .recent()
      .find((e) => e.kind === "inbound" && e.peer === `channel:${thread.id}`);
    expect(reply).toMatchObject({
      agentId: "ops",
      matchedBy: "binding.peer.parent",
      sessionKey: `agent:ops:discord:channel:${thread.id}`,
    });
  });

  it("Slack: the team binding answers in channels (when mentioned) and in DMs", async () => {
    const general = slack.addChannel(TEAM, { name: "general", members: ["U0E2EANN"] });
    const im = slack.imWith(TEAM, "U0E2EANN");
    await slack.userSays({ channel: im.id, user: "U0E2EANN", text: "dm hello" });
    expect((await slack.nextPost({ channel: im.id })).text).toBe("[work] dm hello");
    const posts = slack.posts.length;
    await slack.userSays({ channel: general.id, user: "U0E2EANN", text: "no mention here" });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(slack.posts.length).toBe(posts);
    const dropped = gateway.events.recent().find((e) => e.text === "no mention here");
    expect(dropped?.dropped).toMatch(/not mentioned/);
    await slack.userSays({ channel: general.id, user: "U0E2EANN", text: `<@${slackBotUser}> status?` });
    const answer = await slack.nextPost({ channel: general.id });
    expect(answer.text).toMatch(/^\[work\] .*status\?$/);
    expect(answer.token).toBe("xoxb-e2e-acme");
  });
});
