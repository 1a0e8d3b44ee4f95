import { WhatsAppChannel } from "./channel.js";
import type { WhatsAppChannelOptions } from "./config.js";

export {
  clearAuthStore,
  openAuthStore,
  type WhatsAppIdentity,
  writeCredentials,
} from "./auth-state.js";
export { WhatsAppChannel } from "./channel.js";
export {
  WhatsAppChannelConfig,
  type WhatsAppChannelOptions,
  type WhatsAppLoginOptions,
} from "./config.js";
export { toWhatsAppText } from "./format.js";
export { UntrustedServerError, WHATSAPP_ROOT_PUBLIC_KEY } from "./server-trust.js";

/** Creates the adapter for one WhatsApp number (account). */
export function createWhatsAppChannel(options: WhatsAppChannelOptions): WhatsAppChannel {
  return new WhatsAppChannel(options);
}
