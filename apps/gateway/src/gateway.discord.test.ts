import { FakeDiscord } from "@patchbay/testkit/discord";
import { afterEach, describe, expect, it } from "vitest";
import { startTempGateway, type TempGateway } from "./test-support/temp-gateway.js";

describe("gateway with a Discord account", () => {
  let temp: TempGateway | undefined;
  let fake: FakeDiscord | undefined;
  afterEach(async () => {
    await temp?.dispose();
    await fake?.stop();
    temp = undefined;
  });

  async function setup(allowedMentions?: Record<string, unknown>) {
    fake = new FakeDiscord();
    await fake.start();
    const bot = fake.addBot({ token: "gw-discord-token.x" });
    const ann = fake.addUser({ username: "ann" });
    const guild = fake.addGuild({ name: "Acme" });
    for (const member of [bot.id, ann.id]) fake.addMember(guild, member);
    const channel = fake.addChannel(guild, { name: "general" });
    temp = await startTempGateway({
      channels: {
        discord: {
          restApi: fake.restApi,
          accounts: {
            acme: {
              token: bot.token,
              guilds: { [guild]: { requireMention: false } },
              ...(allowedMentions ? { allowedMentions } : {}),
            },
          },
        },
      },
    });
    await expect.poll(() => temp?.gateway.status()[0]?.state, { timeout: 10_000 }).toBe("ready");
    return { bot, ann, channel };
  }

  it("never lets an agent's reply ping @everyone by default", async () => {
    const { ann, channel } = await setup();
    fake?.say({ from: ann.id, in: channel.id, text: "@everyone look" });
    const reply = await fake!.nextBotMessage({ channelId: channel.id });
    expect(reply.content).toBe("[main] @everyone look");
    expect(reply.pings.everyone).toBe(false);
  });

  it("lets it when the account's allowedMentions says so", async () => {
    const { ann, channel } = await setup({ everyone: true });
    fake?.say({ from: ann.id, in: channel.id, text: "@everyone look" });
    expect((await fake!.nextBotMessage({ channelId: channel.id })).pings.everyone).toBe(true);
  });
});
