import { buildPairingReply, type PairingStore } from "@patchbay/core";
import type { InboundJournal, JournaledEnvelope } from "../stores/index.js";
import { pairingCreatedSince, type Replay } from "./replay.js";

export interface PairingFlow {
  pairing: PairingStore;
  journal: InboundJournal;
  /** Sends through the account that received the message; resolves with the platform ids. */
  send(text: string): Promise<string[]>;
  envelope: JournaledEnvelope;
  request: { code: string; created: boolean };
  replay: Replay | undefined;
  key: string;
}

/**
 * An unknown DM sender under dmPolicy=pairing (spec §4.3): exactly one reply with the code and the
 * approve command per request; the message itself is not processed. Returns why it went no further.
 */
export async function answerPairing(flow: PairingFlow): Promise<string> {
  const { envelope, request, replay } = flow;
  // On replay, a request created at or after this message's receipt is this message's own: the
  // last run created it but may have stopped before the reply with the code went out.
  const ownRequest = replay !== undefined && pairingCreatedSince(flow.pairing, envelope, replay.receivedAt);
  if (!request.created && !ownRequest) return "pairing request pending (already answered)";
  if (!replay?.sent.pairing) {
    const text = buildPairingReply({
      channel: envelope.channel,
      code: request.code,
      senderId: envelope.sender.id,
    });
    let sent: string[];
    try {
      sent = await flow.send(text);
    } catch (error) {
      // Nobody saw the code: withdraw the request so the sender's next message gets one.
      flow.pairing.reject({ channel: envelope.channel, accountId: envelope.accountId, code: request.code });
      throw error;
    }
    await flow.journal.markSent(flow.key, "pairing", sent);
  }
  return "pairing code sent; message not processed";
}
