import type { AgentTurn, GroupContextLine, HistoryMessage } from "../runtimes/index.js";
import type { JournaledEnvelope, TranscriptEntry } from "../stores/index.js";

/** The runtime's view of one turn: the message, the session it runs in, and its context. */
export function agentTurn(
  envelope: JournaledEnvelope,
  run: { agentId: string; sessionKey: string },
  context: { groupHistory: GroupContextLine[]; history: HistoryMessage[]; workspaceDir: string },
): AgentTurn {
  return {
    agentId: run.agentId,
    sessionKey: run.sessionKey,
    channel: envelope.channel,
    accountId: envelope.accountId,
    peer: envelope.peer,
    ...(envelope.threadId ? { threadId: envelope.threadId } : {}),
    sender: envelope.sender,
    text: envelope.text,
    messageId: envelope.id,
    timestamp: envelope.timestamp,
    ...context,
  };
}

/** The transcript as the agent sees it: no system lines, and not the message being answered. */
export function historyFor(past: readonly TranscriptEntry[], messageId: string): HistoryMessage[] {
  return past
    .filter((entry) => entry.role !== "system" && entry.messageId !== messageId)
    .map((entry) => ({ role: entry.role as "user" | "assistant", text: entry.text, at: entry.at }));
}

/** The user's line in the session transcript. */
export function userTranscriptLine(envelope: JournaledEnvelope, matchedBy: string): TranscriptEntry {
  const { id, name } = envelope.sender;
  return {
    role: "user",
    text: envelope.text,
    at: envelope.timestamp,
    messageId: envelope.id,
    sender: { id, ...(name ? { name } : {}) },
    meta: { matchedBy },
  };
}
