import { builtInChannels } from "../channels/registry.js";
import type { ChannelFactories } from "../channels/types.js";
import { whatsappChannelWith } from "../channels/whatsapp.js";
import { startDiscordWorld } from "./discord-world.js";
import { startSlackWorld } from "./slack-world.js";
import { startTelegramWorld } from "./telegram-world.js";
import { startWhatsAppWorld } from "./whatsapp-world.js";
import type { PlaygroundChannel } from "./world.js";

/** Ports the example config's endpoint keys point at. */
export const DEV_PORTS = { telegram: 18801, discord: 18802, slack: 18803, whatsapp: 18804 } as const;

export interface DevWorlds {
  worlds: PlaygroundChannel[];
  /** The built-in channels, with the fake WhatsApp server's test root trusted at its own URL only. */
  channels: ChannelFactories;
}

export async function startDevWorlds(stateDir: string): Promise<DevWorlds> {
  const worlds: PlaygroundChannel[] = [];
  try {
    worlds.push(await startTelegramWorld(DEV_PORTS.telegram));
    worlds.push(await startDiscordWorld(DEV_PORTS.discord));
    worlds.push(await startSlackWorld(DEV_PORTS.slack));
    const whatsapp = await startWhatsAppWorld(DEV_PORTS.whatsapp, stateDir);
    worlds.push(whatsapp);
    return {
      worlds,
      channels: {
        ...builtInChannels,
        whatsapp: whatsappChannelWith(new Map([[whatsapp.url, whatsapp.rootPublicKey]])),
      },
    };
  } catch (error) {
    await Promise.all(worlds.map((world) => world.stop()));
    throw error;
  }
}
