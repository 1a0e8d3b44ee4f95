import { type Logger, silentLogger } from "@patchbay/core";
import { AgentRuntimeError, deadline, requestFailure } from "./errors.js";
import type { AgentReply, AgentRuntime, AgentTurn, RuntimeDeps, WebhookRuntimeConfig } from "./types.js";
import { signWebhookBody } from "./webhook-signature.js";

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * POSTs the turn (minus the local `workspaceDir`) as JSON, signed with
 * `X-Patchbay-Signature: t=<unix s>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`, and answers with
 * the response's `{ "text": "…" }`. A 204 or an empty `text` means "say nothing". The URL never
 * appears in errors or logs (it may carry a token).
 */
export class WebhookRuntime implements AgentRuntime {
  readonly type = "webhook" as const;
  readonly #config: WebhookRuntimeConfig;
  readonly #fetch: typeof fetch;
  readonly #now: () => number;
  readonly #logger: Logger;

  constructor(config: WebhookRuntimeConfig, deps: RuntimeDeps = {}) {
    this.#config = config;
    this.#fetch = deps.fetch ?? globalThis.fetch;
    this.#now = deps.now ?? Date.now;
    this.#logger = deps.logger ?? silentLogger;
  }

  async run(turn: AgentTurn, signal?: AbortSignal): Promise<AgentReply> {
    const { workspaceDir: _local, ...payload } = turn;
    const body = JSON.stringify(payload);
    const timeoutMs = this.#config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const limit = deadline(timeoutMs, signal);
    let status: number;
    let text: string;
    try {
      const response = await this.#fetch(this.#config.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json",
          "user-agent": "patchbay-gateway",
          "x-patchbay-signature": signWebhookBody(this.#config.secret, body, Math.floor(this.#now() / 1000)),
        },
        body,
        signal: limit.signal,
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      throw requestFailure("webhook", turn.agentId, error, limit, timeoutMs);
    }
    if (status < 200 || status >= 300) {
      this.#logger.warn("agent webhook failed", { agentId: turn.agentId, status });
      throw new AgentRuntimeError("webhook", turn.agentId, "http", `webhook answered HTTP ${status}`, {
        status,
      });
    }
    if (status === 204 || text.trim() === "") return { text: "" };
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new AgentRuntimeError("webhook", turn.agentId, "bad-response", "response is not JSON", {
        cause: error,
        status,
      });
    }
    const reply = (json as { text?: unknown } | null)?.text;
    if (reply === undefined || reply === null) return { text: "" };
    if (typeof reply !== "string") {
      throw new AgentRuntimeError("webhook", turn.agentId, "bad-response", "`text` is not a string", {
        status,
      });
    }
    return { text: reply };
  }
}

export function createWebhookRuntime(config: WebhookRuntimeConfig, deps?: RuntimeDeps): WebhookRuntime {
  return new WebhookRuntime(config, deps);
}
