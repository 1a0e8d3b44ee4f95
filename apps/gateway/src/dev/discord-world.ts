import { FakeDiscord } from "@patchbay/testkit/discord";
import type { PlaygroundChannel } from "./world.js";

/** The dev config's Discord bot and guild; the token only exists on this fake. */
export const DEV_DISCORD = {
  token: "dev-fake-discord-bot-token.patchbay",
  botId: "900000000000000001",
  guildId: "910000000000000001",
  opsChannelId: "920000000000000001",
  generalChannelId: "920000000000000002",
} as const;

export async function startDiscordWorld(port: number): Promise<PlaygroundChannel> {
  const fake = new FakeDiscord({ port });
  await fake.start();
  const bot = fake.addBot({ token: DEV_DISCORD.token, id: DEV_DISCORD.botId, username: "patchbay" });
  const ann = fake.addUser({ username: "ann", id: "930000000000000001", globalName: "Ann" });
  const bob = fake.addUser({ username: "bob", id: "930000000000000002", globalName: "Bob" });
  const guild = fake.addGuild({ name: "Acme", id: DEV_DISCORD.guildId });
  for (const member of [bot.id, ann.id, bob.id]) fake.addMember(guild, member);
  const ops = fake.addChannel(guild, { name: "ops", id: DEV_DISCORD.opsChannelId });
  const general = fake.addChannel(guild, { name: "general", id: DEV_DISCORD.generalChannelId });
  const users = { [ann.id]: ann, [bob.id]: bob };
  return {
    channel: "discord",
    accounts: ["acme"],
    chats: [
      { id: "dm", label: "direct message" },
      { id: ops.id, label: `#ops (${ops.id}; bound to agent ops)` },
      { id: general.id, label: `#general (${general.id}; guild binding; mention @patchbay)` },
    ],
    users: [
      { id: ann.id, label: `Ann (${ann.id})` },
      { id: bob.id, label: `Bob (${bob.id})` },
    ],
    async send({ chat, user, text }) {
      if (!users[user]) throw new Error(`unknown Discord user ${user}`);
      const withMention = text.replace(/@patchbay\b/g, `<@${bot.id}>`);
      if (chat === "dm") fake.sayDm({ from: user, to: bot.id, text: withMention });
      else fake.say({ from: user, in: chat, text: withMention });
    },
    stop: () => fake.stop(),
  };
}
