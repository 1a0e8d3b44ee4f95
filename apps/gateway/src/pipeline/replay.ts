import type { PairingStore } from "@patchbay/core";
import { LaneRejectedError } from "../lanes/index.js";
import type { JournaledEnvelope } from "../stores/index.js";

/** What the journal knew of a message replayed after a restart. */
export interface Replay {
  /** Reply parts already delivered (part id → platform message ids); the replay skips these. */
  sent: Record<string, string[]>;
  receivedAt: number;
}

/** A turn cut short by shutdown (lanes aborted or draining): the message stays for the next run. */
export function isShutdownAbort(error: unknown): boolean {
  return error instanceof LaneRejectedError && (error.reason === "aborted" || error.reason === "draining");
}

/**
 * Whether the sender's pending pairing request was created at or after `since` (the replayed
 * message's receipt): then it is that message's own request, and the last run may have stopped
 * before the reply with the code went out. An older request was answered by an earlier message.
 */
export function pairingCreatedSince(
  pairing: PairingStore,
  envelope: JournaledEnvelope,
  since: number,
): boolean {
  const requests = pairing.list({ channel: envelope.channel, accountId: envelope.accountId });
  const own = requests.find((request) => request.senderId === envelope.sender.id);
  return own !== undefined && own.createdAt >= since;
}
