import { FakeSlack } from "@patchbay/testkit/slack";
import type { PlaygroundChannel } from "./world.js";

/** The dev config's Slack workspace; these tokens only exist on this fake. */
export const DEV_SLACK = {
  teamId: "T0DEVACME",
  appToken: "xapp-1-dev-fake-app-token",
  botToken: "xoxb-dev-fake-acme-bot-token",
} as const;

export async function startSlackWorld(port: number): Promise<PlaygroundChannel> {
  const fake = new FakeSlack();
  await fake.start(port);
  fake.addWorkspace({ id: DEV_SLACK.teamId, name: "Acme" });
  const app = fake.addApp({ appToken: DEV_SLACK.appToken });
  const bot = fake.install(app.id, DEV_SLACK.teamId, { botToken: DEV_SLACK.botToken, botName: "patchbay" });
  const ann = fake.addUser(DEV_SLACK.teamId, { id: "U0DEVANN", name: "ann", realName: "Ann" });
  const bob = fake.addUser(DEV_SLACK.teamId, { id: "U0DEVBOB", name: "bob", realName: "Bob" });
  const general = fake.addChannel(DEV_SLACK.teamId, {
    id: "C0DEVGENERAL",
    name: "general",
    members: [ann.id, bob.id, bot.botUserId],
  });
  return {
    channel: "slack",
    accounts: ["acme"],
    chats: [
      { id: "dm", label: "direct message" },
      { id: general.id, label: `#general (${general.id}; mention @patchbay)` },
    ],
    users: [
      { id: ann.id, label: `Ann (${ann.id})` },
      { id: bob.id, label: `Bob (${bob.id})` },
    ],
    async send({ chat, user, text }) {
      const channel = chat === "dm" ? fake.imWith(DEV_SLACK.teamId, user).id : chat;
      // "@patchbay" typed in the composer becomes a real Slack mention of the bot user.
      await fake.userSays({ channel, user, text: text.replace(/@patchbay\b/g, `<@${bot.botUserId}>`) });
    },
    stop: () => fake.stop(),
  };
}
