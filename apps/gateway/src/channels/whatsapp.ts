import type { ResolvedWhatsAppAccount } from "@patchbay/core";
import { createWhatsAppChannel } from "@patchbay/whatsapp";
import { whatsappAuthDir } from "../paths.js";
import type { ChannelDefinition } from "./types.js";

/**
 * WhatsApp accounts: one Baileys socket per linked number, auth state in its own folder.
 * `trustedRoots` maps a WebSocket URL to the Noise root key trusted there: the dev playground
 * uses it for its own fake server only; every other URL must present WhatsApp's real chain.
 */
export function whatsappChannelWith(
  trustedRoots: ReadonlyMap<string, Uint8Array> = new Map(),
): ChannelDefinition {
  return {
    create(resolved, context) {
      const account = resolved as ResolvedWhatsAppAccount;
      const root = account.webSocketUrl ? trustedRoots.get(account.webSocketUrl) : undefined;
      return createWhatsAppChannel({
        accountId: account.accountId,
        authDir: account.authDir ?? whatsappAuthDir(context.stateDir, account.accountId),
        ...(account.webSocketUrl ? { webSocketUrl: account.webSocketUrl } : {}),
        ...(root ? { trustedRootKey: root } : {}),
        logger: context.logger,
        state: context.state,
      });
    },
  };
}

export const whatsappChannel: ChannelDefinition = whatsappChannelWith();
