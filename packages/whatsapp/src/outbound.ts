import { chunkText, GatewayError, type OutboundMessage, PartialSendError, type Peer } from "@patchbay/core";
import { isJidGroup, type proto, type WAMessage, type WASocket } from "./client.js";
import { phoneDigits } from "./config.js";
import { toSendError } from "./errors.js";
import { toWhatsAppText } from "./format.js";

/**
 * The chat JID for an outbound peer: a DM's E.164 (`+15551234567`) becomes
 * `15551234567@s.whatsapp.net`; a group peer must be a group JID. A JID is accepted as is.
 */
export function jidForPeer(peer: Peer): string {
  if (peer.kind === "group") {
    if (isJidGroup(peer.id) !== true) {
      throw new GatewayError("PLATFORM_ERROR", "a WhatsApp group peer must be a group JID (…@g.us)", {
        channel: "whatsapp",
      });
    }
    return peer.id;
  }
  if (peer.kind !== "direct") {
    throw new GatewayError("NOT_SUPPORTED", `WhatsApp has no "${peer.kind}" peers`, { channel: "whatsapp" });
  }
  if (peer.id.includes("@")) return peer.id;
  const digits = phoneDigits(peer.id);
  if (digits.length < 5) {
    throw new GatewayError("PLATFORM_ERROR", "a WhatsApp direct peer must be an E.164 number", {
      channel: "whatsapp",
    });
  }
  return `${digits}@s.whatsapp.net`;
}

/** Recent inbound messages by id, so a reply can quote the original (Baileys needs the message). */
export class RecentMessages {
  readonly #messages = new Map<string, WAMessage>();
  readonly #size: number;

  constructor(size = 500) {
    this.#size = size;
  }

  remember(message: WAMessage): void {
    const id = message.key?.id;
    if (!id) return;
    this.#messages.delete(id);
    this.#messages.set(id, message);
    if (this.#messages.size > this.#size) {
      const oldest = this.#messages.keys().next().value;
      if (oldest !== undefined) this.#messages.delete(oldest);
    }
  }

  get(id: string): WAMessage | undefined {
    return this.#messages.get(id);
  }

  /** The message content for Baileys' `getMessage` (resending on a retry receipt). */
  content(key: proto.IMessageKey): proto.IMessage | undefined {
    return key.id ? (this.#messages.get(key.id)?.message ?? undefined) : undefined;
  }
}

/** The message to quote for `replyToId`: the remembered original, or a minimal stand-in. */
export function quotedFor(jid: string, replyToId: string, recent: RecentMessages): WAMessage {
  const known = recent.get(replyToId);
  if (known) return known;
  return { key: { remoteJid: jid, id: replyToId, fromMe: false }, message: { conversation: "" } };
}

/** Splits the reply into WhatsApp-sized chunks in WhatsApp's text dialect. */
export function renderChunks(message: OutboundMessage, limit: number): string[] {
  return chunkText(toWhatsAppText(message.text, message.format), { limit });
}

/**
 * Sends each chunk (quoting on the first one only) and returns the WhatsApp message ids. A failure
 * after some chunks went out throws with their ids as `sentIds`, so they are not sent twice.
 */
export async function sendChunks(
  sock: Pick<WASocket, "sendMessage">,
  jid: string,
  chunks: string[],
  quoted: WAMessage | undefined,
  context: { accountId: string; onSent(id: string): void },
): Promise<string[]> {
  const ids: string[] = [];
  try {
    for (const [index, text] of chunks.entries()) {
      const sent = await sock.sendMessage(jid, { text }, index === 0 && quoted ? { quoted } : {});
      const id = sent?.key?.id;
      if (id) {
        context.onSent(id);
        ids.push(id);
      }
    }
  } catch (error) {
    const failure = toSendError(error, "sendMessage", context);
    throw ids.length > 0 ? new PartialSendError(ids, chunks.length, failure) : failure;
  }
  return ids;
}
