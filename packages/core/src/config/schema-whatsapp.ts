import { z } from "zod";
import {
  channelSection,
  commonAccountShape,
  commonPassiveAccountShape,
  GroupPolicy,
  IdList,
  ToolPolicy,
  ToolsBySender,
  UrlString,
} from "./schema-common.js";
import { knownKeys, strictObject } from "./strict.js";

export const WhatsAppGroup = strictObject({
  requireMention: z.boolean().optional(),
  groupPolicy: GroupPolicy.optional(),
  allowFrom: IdList.optional(),
  enabled: z.boolean().optional(),
  systemPrompt: z.string().optional(),
  skills: z.array(z.string()).optional(),
  tools: ToolPolicy.optional(),
  toolsBySender: ToolsBySender.optional(),
});

const whatsAppAccountShape = {
  ...commonAccountShape,
  ...commonPassiveAccountShape,
  groupAllowFrom: IdList.optional(),
  groups: z.record(z.string(), WhatsAppGroup).optional(),
  /** Baileys multi-file auth state; default `<stateDir>/credentials/whatsapp/<accountId>`. */
  authDir: z.string().optional(),
  selfChatMode: z.boolean().optional(),
  /** Patchbay: WhatsApp Web socket (e.g. `ws://127.0.0.1:8084/ws/chat`). */
  webSocketUrl: UrlString.optional(),
  ...knownKeys(["sendReadReceipts", "messagePrefix", "pairing", "debounceMs"]),
};

export const WhatsAppAccountConfig = strictObject(whatsAppAccountShape);
export type WhatsAppAccountConfig = z.infer<typeof WhatsAppAccountConfig>;

export const WhatsAppChannelConfig = channelSection(whatsAppAccountShape, WhatsAppAccountConfig);
export type WhatsAppChannelConfig = z.infer<typeof WhatsAppChannelConfig>;
