import { startSlackWorld } from "./slack-world.js";
import { startTelegramWorld } from "./telegram-world.js";
import type { PlaygroundChannel } from "./world.js";

/** Ports the example config's endpoint keys point at. */
export const DEV_PORTS = { telegram: 18801, discord: 18802, slack: 18803, whatsapp: 18804 } as const;

export async function startDevWorlds(): Promise<PlaygroundChannel[]> {
  const started: PlaygroundChannel[] = [];
  try {
    started.push(await startTelegramWorld(DEV_PORTS.telegram));
    started.push(await startSlackWorld(DEV_PORTS.slack));
    return started;
  } catch (error) {
    await Promise.all(started.map((world) => world.stop()));
    throw error;
  }
}
