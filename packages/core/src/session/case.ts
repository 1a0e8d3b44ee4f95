/**
 * Opaque, case-sensitive peer ids keep their case in session keys (spec §3.4): the Signal group id
 * and Matrix room ids (`channel`/`group`). Everything else in a key is lowercased.
 */
export function preservesPeerIdCase(channel: string, kind: string): boolean {
  if (channel === "signal") return kind === "group";
  if (channel === "matrix") return kind === "group" || kind === "channel";
  return false;
}

/** The peer id as it appears in a key: lowercased, unless the channel/kind keeps its case. */
export function peerIdForKey(channel: string, kind: string, peerId: string): string {
  return preservesPeerIdCase(channel, kind) ? peerId : peerId.toLowerCase();
}
