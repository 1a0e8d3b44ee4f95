import type { GroupContextLine } from "../runtimes/index.js";

/**
 * Unmentioned group lines (spec §4.3), kept per group-history key and bounded by the chat's
 * historyLimit, handed to the agent as context on the next triggered turn, then cleared once.
 */
export class GroupHistory {
  readonly #lines = new Map<string, GroupContextLine[]>();

  push(key: string, line: GroupContextLine, limit: number): void {
    if (limit <= 0) return;
    const lines = this.#lines.get(key) ?? [];
    lines.push(line);
    if (lines.length > limit) lines.splice(0, lines.length - limit);
    this.#lines.set(key, lines);
  }

  /** Returns the pending lines and clears them (one snapshot shared by every broadcast run). */
  take(key: string): GroupContextLine[] {
    const lines = this.#lines.get(key) ?? [];
    this.#lines.delete(key);
    return lines;
  }

  size(key: string): number {
    return this.#lines.get(key)?.length ?? 0;
  }
}

/** The line a pending-history entry keeps of a message. */
export function contextLine(envelope: {
  sender: { id: string; name?: string };
  text: string;
  timestamp: number;
}): GroupContextLine {
  return {
    senderId: envelope.sender.id,
    ...(envelope.sender.name ? { senderName: envelope.sender.name } : {}),
    text: envelope.text,
    timestamp: envelope.timestamp,
  };
}
