import {
  type BinaryNode,
  getBinaryNodeChild,
  getBinaryNodeChildBuffer,
  getBinaryNodeChildren,
  getBinaryNodeChildUInt,
  type proto,
} from "baileys";
import { signalPublicKey } from "./device.js";
import type { CompanionBundle } from "./model.js";

export const SERVER_JID = "s.whatsapp.net";

export function unixNow(): string {
  return String(Math.floor(Date.now() / 1000));
}

export function children(node: BinaryNode | undefined): BinaryNode[] {
  return Array.isArray(node?.content) ? (node.content as BinaryNode[]) : [];
}

/** An `iq type=result` answering `node`, with optional children. */
export function iqResult(node: BinaryNode, content?: BinaryNode[]): BinaryNode {
  return {
    tag: "iq",
    attrs: { id: node.attrs.id ?? "", type: "result", from: node.attrs.to ?? SERVER_JID },
    ...(content ? { content } : {}),
  };
}

/** Reads a companion's pre-key upload (`iq xmlns=encrypt type=set`). */
export function parseKeyUpload(node: BinaryNode): CompanionBundle | undefined {
  const list = getBinaryNodeChild(node, "list");
  const skey = getBinaryNodeChild(node, "skey");
  const identity = getBinaryNodeChildBuffer(node, "identity");
  const registrationId = getBinaryNodeChildUInt(node, "registration", 4);
  if (!list || !skey || !identity || registrationId === undefined) return undefined;
  const signedId = getBinaryNodeChildUInt(skey, "id", 3);
  const signedValue = getBinaryNodeChildBuffer(skey, "value");
  const signature = getBinaryNodeChildBuffer(skey, "signature");
  if (signedId === undefined || !signedValue || !signature) return undefined;
  const preKeys = new Map<number, Uint8Array>();
  for (const key of getBinaryNodeChildren(list, "key")) {
    const id = getBinaryNodeChildUInt(key, "id", 3);
    const value = getBinaryNodeChildBuffer(key, "value");
    if (id !== undefined && value) preKeys.set(id, signalPublicKey(value));
  }
  return {
    registrationId,
    identityKey: signalPublicKey(identity),
    signedPreKey: { keyId: signedId, publicKey: signalPublicKey(signedValue), signature },
    preKeys,
  };
}

/** The `<user>` node of a key fetch for a companion, from its uploaded bundle. */
export function companionBundleNode(
  jid: string,
  bundle: CompanionBundle,
  take: () => [number, Uint8Array] | undefined,
): BinaryNode {
  const big = (value: number, bytes: number): Buffer => {
    const out = Buffer.alloc(bytes);
    out.writeUIntBE(value, 0, bytes);
    return out;
  };
  const content: BinaryNode[] = [
    { tag: "registration", attrs: {}, content: big(bundle.registrationId, 4) },
    { tag: "type", attrs: {}, content: Buffer.from([5]) },
    { tag: "identity", attrs: {}, content: bundle.identityKey.subarray(1) },
    {
      tag: "skey",
      attrs: {},
      content: [
        { tag: "id", attrs: {}, content: big(bundle.signedPreKey.keyId, 3) },
        { tag: "value", attrs: {}, content: bundle.signedPreKey.publicKey.subarray(1) },
        { tag: "signature", attrs: {}, content: bundle.signedPreKey.signature },
      ],
    },
  ];
  const preKey = take();
  if (preKey) {
    content.push({
      tag: "key",
      attrs: {},
      content: [
        { tag: "id", attrs: {}, content: big(preKey[0], 3) },
        { tag: "value", attrs: {}, content: preKey[1].subarray(1) },
      ],
    });
  }
  return { tag: "user", attrs: { jid }, content };
}

export interface TextOptions {
  /** JIDs @-mentioned in the text. */
  mentions?: string[];
  /** Quote this earlier message. */
  quote?: { id: string; participant: string; text?: string };
}

/** A text message as the official clients send it: plain `conversation`, or extended with context. */
export function textMessage(text: string, options: TextOptions = {}): proto.IMessage {
  const mentions = options.mentions ?? [];
  if (mentions.length === 0 && !options.quote) return { conversation: text };
  const contextInfo: proto.IContextInfo = {};
  if (mentions.length > 0) contextInfo.mentionedJid = mentions;
  if (options.quote) {
    contextInfo.stanzaId = options.quote.id;
    contextInfo.participant = options.quote.participant;
    contextInfo.quotedMessage = { conversation: options.quote.text ?? "" };
  }
  return { extendedTextMessage: { text, contextInfo } };
}

/** The text of a message (plain, extended or a caption). */
export function messageText(message: proto.IMessage | null | undefined): string | undefined {
  if (!message) return undefined;
  return (
    message.conversation ??
    message.extendedTextMessage?.text ??
    message.imageMessage?.caption ??
    message.videoMessage?.caption ??
    message.documentMessage?.caption ??
    undefined
  );
}
