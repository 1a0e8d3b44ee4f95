import { FakeTelegramBotApi } from "@patchbay/testkit/telegram";
import type { PlaygroundChannel } from "./world.js";

/** The dev config's Telegram accounts; their tokens only exist on this fake. */
export const DEV_TELEGRAM_BOTS = {
  alpha: { token: "700001:dev-alpha-fake-token", username: "patchbay_alpha_bot" },
  beta: { token: "700002:dev-beta-fake-token", username: "patchbay_beta_bot" },
} as const;

export async function startTelegramWorld(port: number): Promise<PlaygroundChannel> {
  const fake = new FakeTelegramBotApi();
  await fake.start(port);
  const bots = Object.fromEntries(
    Object.entries(DEV_TELEGRAM_BOTS).map(([accountId, spec]) => [accountId, fake.addBot(spec)]),
  );
  const ann = fake.user({ firstName: "Ann", username: "ann" });
  const bob = fake.user({ firstName: "Bob", username: "bob" });
  const group = fake.group({ title: "Team", supergroup: true });
  const users = { ann, bob };
  return {
    channel: "telegram",
    accounts: Object.keys(bots),
    chats: [
      { id: "dm", label: "direct message" },
      { id: "group", label: `group "Team" (${group.id}; mention the bot)` },
    ],
    users: [
      { id: "ann", label: `Ann (${ann.id})` },
      { id: "bob", label: `Bob (${bob.id})` },
    ],
    async send({ accountId, chat, user, text }) {
      const bot = bots[accountId];
      const from = users[user as keyof typeof users];
      if (!bot || !from) throw new Error(`unknown Telegram account or user: ${accountId}/${user}`);
      fake.userMessage(bot, { from, text, ...(chat === "group" ? { chat: group } : {}) });
    },
    stop: () => fake.stop(),
  };
}
