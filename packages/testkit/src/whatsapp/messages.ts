import { type BinaryNode, getBinaryNodeChild, getBinaryNodeChildren, proto } from "baileys";
import type { FakeContact, FakeGroup } from "./actors.js";
import type { FakeDevice } from "./device.js";
import { type CompanionBundle, takeCompanionBundle } from "./model.js";
import { children, messageText, unixNow } from "./stanzas.js";

async function ensureSession(
  device: FakeDevice,
  companionJid: string,
  bundle: CompanionBundle | undefined,
): Promise<void> {
  if (await device.hasSessionWith(companionJid)) return;
  if (!bundle) throw new Error(`${companionJid} has not uploaded pre-keys to the fake yet`);
  await device.openSession(companionJid, takeCompanionBundle(bundle));
}

function stanzaType(message: proto.IMessage): string {
  return message.conversation || message.extendedTextMessage ? "text" : "media";
}

export interface DirectStanzaInput {
  sender: FakeDevice;
  senderName: string;
  companionJid: string;
  bundle: CompanionBundle | undefined;
  message: proto.IMessage;
  id: string;
  addressing: "pn" | "lid";
  /** The sender is the account owner writing in their own chat (a DSM to their own number). */
  selfChat: boolean;
  /** The sender is the account owner writing to this JID on their phone (a DSM to that chat). */
  ownerTo?: string | undefined;
  offline: boolean;
}

/** An encrypted 1:1 `<message>` from a fake device to one companion of an account. */
export async function buildDirectStanza(input: DirectStanzaInput): Promise<BinaryNode> {
  const { sender } = input;
  await ensureSession(sender, input.companionJid, input.bundle);
  // The owner's own messages reach their linked devices as device-sent messages (DSM).
  const dsmTo = input.selfChat ? sender.jid : input.ownerTo;
  const content: proto.IMessage = dsmTo
    ? { deviceSentMessage: { destinationJid: dsmTo, message: input.message } }
    : input.message;
  const { type, ciphertext } = await sender.encryptFor(input.companionJid, content);
  const attrs: Record<string, string> = {
    id: input.id,
    t: unixNow(),
    type: stanzaType(input.message),
    notify: input.senderName,
  };
  if (dsmTo) {
    attrs.from = sender.jid;
    attrs.recipient = dsmTo;
  } else if (input.addressing === "lid" && sender.lidJid) {
    attrs.from = sender.lidJid;
    attrs.sender_pn = sender.jid;
    attrs.addressing_mode = "lid";
  } else {
    attrs.from = sender.jid;
    if (sender.lidJid) attrs.sender_lid = sender.lidJid;
  }
  if (input.offline) attrs.offline = "1";
  return { tag: "message", attrs, content: [{ tag: "enc", attrs: { v: "2", type }, content: ciphertext }] };
}

export interface GroupStanzaInput {
  group: FakeGroup;
  sender: FakeContact;
  companionJid: string;
  bundle: CompanionBundle | undefined;
  message: proto.IMessage;
  id: string;
  offline: boolean;
}

/** A group `<message>`: the sender-key ciphertext, plus the sender key itself the first time. */
export async function buildGroupStanza(input: GroupStanzaInput): Promise<BinaryNode> {
  const { group, sender } = input;
  const { ciphertext, senderKeyDistributionMessage } = await sender.device.encryptForGroup(
    group.jid,
    input.message,
  );
  const encs: BinaryNode[] = [];
  const distributionKey = `${sender.phone}|${input.companionJid}`;
  if (!group.distributed.has(distributionKey)) {
    await ensureSession(sender.device, input.companionJid, input.bundle);
    const skdm = await sender.device.encryptFor(input.companionJid, {
      senderKeyDistributionMessage: {
        groupId: group.jid,
        axolotlSenderKeyDistributionMessage: senderKeyDistributionMessage,
      },
    });
    encs.push({ tag: "enc", attrs: { v: "2", type: skdm.type }, content: skdm.ciphertext });
    group.distributed.add(distributionKey);
  }
  encs.push({ tag: "enc", attrs: { v: "2", type: "skmsg" }, content: ciphertext });
  const lidMode = group.addressingMode === "lid" && sender.lidJid !== undefined;
  const attrs: Record<string, string> = {
    from: group.jid,
    id: input.id,
    t: unixNow(),
    type: stanzaType(input.message),
    notify: sender.name,
    addressing_mode: lidMode ? "lid" : "pn",
    participant: lidMode && sender.lidJid ? sender.lidJid : sender.jid,
  };
  if (lidMode) attrs.participant_pn = sender.jid;
  else if (sender.lidJid) attrs.participant_lid = sender.lidJid;
  if (input.offline) attrs.offline = "1";
  return { tag: "message", attrs, content: encs };
}

export interface BotMessageInput {
  node: BinaryNode;
  /** The sending companion's JID, the address every fake device keeps its session with it under. */
  botJid: string;
  accountPhone: string;
  deviceFor(jid: string): FakeDevice | undefined;
  phoneOf(jid: string): string | undefined;
  groupMembers: FakeDevice[];
}

export interface BotMessage {
  chat: string;
  recipient: string | undefined;
  group: string | undefined;
  id: string;
  message: proto.Message;
  text: string | undefined;
  quotedId: string | undefined;
}

/** Decrypts a `<message to=…>` the bot sent, as each fake recipient device; returns what it said. */
export async function readBotMessage(input: BotMessageInput): Promise<BotMessage | undefined> {
  const { node, botJid } = input;
  const to = node.attrs.to ?? "";
  const isGroup = to.endsWith("@g.us");
  const recipient = isGroup ? undefined : input.phoneOf(to);
  const encs: Array<{ jid: string; enc: BinaryNode }> = [];
  for (const target of children(getBinaryNodeChild(node, "participants"))) {
    if (target.tag !== "to" || !target.attrs.jid) continue;
    for (const enc of getBinaryNodeChildren(target, "enc")) encs.push({ jid: target.attrs.jid, enc });
  }
  for (const enc of getBinaryNodeChildren(node, "enc")) {
    if (enc.attrs.type !== "skmsg") encs.push({ jid: to, enc });
  }
  let message: proto.Message | undefined;
  for (const { jid, enc } of encs) {
    const type = enc.attrs.type;
    if ((type !== "pkmsg" && type !== "msg") || !(enc.content instanceof Uint8Array)) continue;
    const device = input.deviceFor(jid);
    if (!device) continue;
    const decrypted = await device.decryptFrom(botJid, type, enc.content);
    if (decrypted.senderKeyDistributionMessage)
      await device.acceptSenderKey(botJid, decrypted.senderKeyDistributionMessage);
    if (!isGroup && device.user === recipient && !message) {
      const inner = decrypted.deviceSentMessage?.message;
      message = inner ? proto.Message.fromObject(inner) : decrypted;
    }
  }
  if (isGroup) {
    const skmsg = getBinaryNodeChildren(node, "enc").find((e) => e.attrs.type === "skmsg");
    const reader = input.groupMembers[0];
    if (skmsg && reader && skmsg.content instanceof Uint8Array) {
      message = await reader.decryptGroup(to, botJid, skmsg.content);
    }
  }
  if (!message) return undefined;
  const text = messageText(message);
  if (text === undefined && !message.imageMessage && !message.documentMessage) return undefined;
  return {
    chat: to,
    recipient,
    group: isGroup ? to : undefined,
    id: node.attrs.id ?? "",
    message,
    text,
    quotedId: message.extendedTextMessage?.contextInfo?.stanzaId ?? undefined,
  };
}
