import type { AgentTurn, GroupContextLine, HistoryMessage } from "../runtimes/index.js";
import type { JournaledEnvelope } from "../stores/index.js";

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
