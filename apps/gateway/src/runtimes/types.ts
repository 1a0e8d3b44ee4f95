import type { ChannelName, Logger, Peer, Sender } from "@patchbay/core";

/** An earlier message of the session, from the transcript. */
export interface HistoryMessage {
  role: "user" | "assistant";
  text: string;
  /** Milliseconds since the epoch. */
  at?: number;
  /** Who wrote a user message (useful in groups). */
  senderName?: string;
}

/** A group line the agent was not mentioned in, kept as context for its next turn. */
export interface GroupContextLine {
  senderId: string;
  senderName?: string;
  text: string;
  /** Milliseconds since the epoch. */
  timestamp: number;
}

/** Everything an agent runtime gets for one turn. Plain JSON (the webhook and command runtimes send it as is). */
export interface AgentTurn {
  agentId: string;
  sessionKey: string;
  channel: ChannelName;
  accountId: string;
  peer: Peer;
  threadId?: string;
  sender: Sender;
  /** The message to answer. */
  text: string;
  /** Platform message id of that message. */
  messageId?: string;
  /** Milliseconds since the epoch. */
  timestamp: number;
  /** Unmentioned group lines since the agent last answered, oldest first. */
  groupHistory: GroupContextLine[];
  /** Earlier messages of this session, oldest first (already limited by the caller). */
  history: HistoryMessage[];
  /** The agent's workspace (SOUL.md, AGENTS.md, USER.md); local runtimes read it, it is never sent out. */
  workspaceDir?: string;
  /** The agent's configured model (`agents.list[].model`, primary), for runtimes that need one. */
  model?: string;
}

/** The agent's answer. Empty (or whitespace-only) text means "say nothing". */
export interface AgentReply {
  text: string;
}

export type RuntimeType = "echo" | "openai" | "webhook" | "command";

/** One agent's way of answering a turn. Implementations never throw anything but `AgentRuntimeError`. */
export interface AgentRuntime {
  readonly type: RuntimeType;
  /** Answers one turn. `signal` aborts it (shutdown); runtimes also enforce their own timeout. */
  run(turn: AgentTurn, signal?: AbortSignal): Promise<AgentReply>;
}

/** Per-agent runtime config (`agents.list[].runtime`), with secrets already resolved to strings. */
export type RuntimeConfig =
  | EchoRuntimeConfig
  | OpenAiRuntimeConfig
  | WebhookRuntimeConfig
  | CommandRuntimeConfig;

export interface EchoRuntimeConfig {
  type: "echo";
}

export interface OpenAiRuntimeConfig {
  type: "openai";
  /** API root including the version, e.g. `https://api.openai.com/v1`; `/chat/completions` is appended. */
  baseUrl: string;
  apiKey: string;
  /** Overrides the agent's `model`. */
  model?: string;
  /** Default 60,000. */
  timeoutMs?: number;
}

export interface WebhookRuntimeConfig {
  type: "webhook";
  url: string;
  /** HMAC-SHA256 key for `X-Patchbay-Signature`. */
  secret: string;
  /** Default 30,000. */
  timeoutMs?: number;
}

export interface CommandRuntimeConfig {
  type: "command";
  /** Executable (no shell). */
  command: string;
  args?: string[];
  /** Default 60,000. */
  timeoutMs?: number;
  /** Extra environment; the child does NOT inherit the gateway's environment (tokens live there). */
  env?: Record<string, string>;
}

export interface RuntimeDeps {
  logger?: Logger;
  /** Injected for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Clock for webhook signatures (ms since the epoch). */
  now?: () => number;
  /** Command runtime: time between SIGTERM and SIGKILL. Default 2,000 ms. */
  killGraceMs?: number;
  /**
   * Command runtime: the environment a child starts from. Default: only PATH, HOME, LANG, LC_ALL,
   * TZ, TMPDIR (and SYSTEMROOT on Windows) of the gateway's environment.
   */
  baseEnv?: Record<string, string>;
}
