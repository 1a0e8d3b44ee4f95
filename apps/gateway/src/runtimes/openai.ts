import { type Logger, redactSecrets, silentLogger } from "@patchbay/core";
import { AgentRuntimeError, deadline, requestFailure } from "./errors.js";
import type { AgentReply, AgentRuntime, AgentTurn, OpenAiRuntimeConfig, RuntimeDeps } from "./types.js";
import { loadWorkspacePrompt } from "./workspace-prompt.js";

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

const DEFAULT_TIMEOUT_MS = 60_000;
/** How much of an error body goes into the log (after redaction). */
const ERROR_BODY_CHARS = 300;

/**
 * Builds the chat-completions `messages`: the system prompt (workspace files plus a line of
 * context), the session history, then the new message with any pending group lines before it.
 */
export function buildChatMessages(turn: AgentTurn, workspacePrompt: string): ChatMessage[] {
  const group = turn.peer.kind !== "direct";
  const where = group ? `a ${turn.peer.kind} chat` : "a direct chat";
  const context = `You are the agent "${turn.agentId}", replying in ${where} on ${turn.channel}.`;
  const messages: ChatMessage[] = [
    { role: "system", content: workspacePrompt ? `${workspacePrompt}\n\n${context}` : context },
  ];
  for (const entry of turn.history) {
    const prefix = group && entry.role === "user" && entry.senderName ? `${entry.senderName}: ` : "";
    messages.push({ role: entry.role, content: `${prefix}${entry.text}` });
  }
  const name = turn.sender.name ?? turn.sender.username ?? turn.sender.id;
  const current = group ? `${name}: ${turn.text}` : turn.text;
  if (turn.groupHistory.length === 0) {
    messages.push({ role: "user", content: current });
  } else {
    const lines = turn.groupHistory.map((line) => `${line.senderName ?? line.senderId}: ${line.text}`);
    messages.push({
      role: "user",
      content: `[Chat messages since your last reply, for context]\n${lines.join("\n")}\n\n[Current message, reply to this]\n${current}`,
    });
  }
  return messages;
}

/**
 * Any OpenAI-compatible chat-completions endpoint (OpenAI, OpenRouter, vLLM, Ollama, LM Studio…).
 * The API key goes only into the Authorization header; it is redacted from anything logged.
 */
export class OpenAiRuntime implements AgentRuntime {
  readonly type = "openai" as const;
  readonly #config: OpenAiRuntimeConfig;
  readonly #fetch: typeof fetch;
  readonly #logger: Logger;
  readonly #url: string;

  constructor(config: OpenAiRuntimeConfig, deps: RuntimeDeps = {}) {
    this.#config = config;
    this.#fetch = deps.fetch ?? globalThis.fetch;
    this.#logger = deps.logger ?? silentLogger;
    this.#url = `${config.baseUrl.replace(/\/+$/, "")}/chat/completions`;
  }

  async run(turn: AgentTurn, signal?: AbortSignal): Promise<AgentReply> {
    const model = this.#config.model ?? turn.model;
    if (!model)
      throw new AgentRuntimeError("openai", turn.agentId, "config", "no model configured for the agent");
    const messages = buildChatMessages(turn, await loadWorkspacePrompt(turn.workspaceDir, this.#logger));
    const timeoutMs = this.#config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const limit = deadline(timeoutMs, signal);
    let status: number;
    let body: string;
    try {
      const response = await this.#fetch(this.#url, {
        method: "POST",
        headers: {
          authorization: `Bearer ${this.#config.apiKey}`,
          "content-type": "application/json",
          accept: "application/json",
        },
        body: JSON.stringify({ model, messages }),
        signal: limit.signal,
      });
      status = response.status;
      body = await response.text();
    } catch (error) {
      throw requestFailure("openai", turn.agentId, error, limit, timeoutMs);
    }
    if (status < 200 || status >= 300) {
      this.#logger.warn("chat completions request failed", {
        agentId: turn.agentId,
        status,
        body: redactSecrets(body.slice(0, ERROR_BODY_CHARS), [this.#config.apiKey]),
      });
      throw new AgentRuntimeError("openai", turn.agentId, "http", `endpoint answered HTTP ${status}`, {
        status,
      });
    }
    const text = completionText(body);
    if (text === undefined) {
      throw new AgentRuntimeError(
        "openai",
        turn.agentId,
        "bad-response",
        "no message content in the response",
        {
          status,
        },
      );
    }
    return { text };
  }
}

/** `choices[0].message.content`, as a string or an array of text parts. */
function completionText(body: string): string | undefined {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return undefined;
  }
  const choices = (json as { choices?: unknown } | null)?.choices;
  if (!Array.isArray(choices)) return undefined;
  const content = (choices[0] as { message?: { content?: unknown } } | undefined)?.message?.content;
  if (typeof content === "string") return content;
  if (content === null) return "";
  if (Array.isArray(content)) {
    return content
      .map((part: unknown) => {
        const p = part as { type?: unknown; text?: unknown } | null;
        return p && typeof p.text === "string" ? p.text : "";
      })
      .join("");
  }
  return undefined;
}

export function createOpenAiRuntime(config: OpenAiRuntimeConfig, deps?: RuntimeDeps): OpenAiRuntime {
  return new OpenAiRuntime(config, deps);
}
