/**
 * Opaque, case-sensitive peer ids keep their case in session keys (spec §3.4): the Signal group id
 * and Matrix room ids (`channel`/`group`). Everything else in a key is lowercased.
 */
export function preservesPeerIdCase(channel: string, kind: string): boolean {
  if (channel === "signal") return kind === "group";
  if (channel === "matrix") return kind === "group" || kind === "channel";
  return false;
}

const THREAD_MARKER = /:thread:/gi;

/**
 * The peer id as it appears in a key: lowercased, unless the channel/kind keeps its case. A Matrix
 * room id keeps its case except for a `:thread:` marker, which is still lowercased (spec §3.4).
 */
export function peerIdForKey(channel: string, kind: string, peerId: string): string {
  if (!preservesPeerIdCase(channel, kind)) return peerId.toLowerCase();
  return channel === "matrix" ? peerId.replace(THREAD_MARKER, ":thread:") : peerId;
}
