import type { ResolvedWhatsAppAccount } from "@patchbay/core";
import { createWhatsAppChannel } from "@patchbay/whatsapp";
import { whatsappAuthDir } from "../paths.js";
import type { ChannelDefinition } from "./types.js";

/** WhatsApp accounts: one Baileys socket per linked number, auth state in its own folder. */
export const whatsappChannel: ChannelDefinition = {
  create(resolved, context) {
    const account = resolved as ResolvedWhatsAppAccount;
    return createWhatsAppChannel({
      accountId: account.accountId,
      authDir: account.authDir ?? whatsappAuthDir(context.stateDir, account.accountId),
      ...(account.webSocketUrl ? { webSocketUrl: account.webSocketUrl } : {}),
      logger: context.logger,
      state: context.state,
    });
  },
};
