// A fake Telegram Bot API in its own process, so the memory benchmark weighs the gateway alone.
// Usage: node --import tsx bench/fake-telegram-server.ts <bots>; prints one JSON line with the
// API root, then serves until SIGTERM.
import { FakeTelegramBotApi } from "@patchbay/testkit/telegram";

/** The token of idle bot `i`; the benchmark builds the same list. */
export const idleBotToken = (i: number): string => `${800_000 + i}:bench-idle-bot-${i}`;

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? "0");
  const fake = new FakeTelegramBotApi();
  for (let i = 0; i < count; i++) fake.addBot({ token: idleBotToken(i), username: `idle${i}_bot` });
  const apiRoot = await fake.start();
  process.stdout.write(`${JSON.stringify({ apiRoot })}\n`);
  process.once("SIGTERM", () => {
    void fake.stop().then(() => process.exit(0));
  });
}

if (process.argv[1]?.endsWith("fake-telegram-server.ts")) void main();
