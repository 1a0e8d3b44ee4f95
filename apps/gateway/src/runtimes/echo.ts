import type { AgentReply, AgentRuntime, AgentTurn } from "./types.js";

/** For dev and tests: answers `[<agentId>] <text>`, so a test can see which agent answered. */
export class EchoRuntime implements AgentRuntime {
  readonly type = "echo" as const;

  async run(turn: AgentTurn): Promise<AgentReply> {
    return { text: `[${turn.agentId}] ${turn.text}` };
  }
}

export function createEchoRuntime(): EchoRuntime {
  return new EchoRuntime();
}
