import { GatewayError } from "@patchbay/core";
import type { RuntimeType } from "./types.js";

export type AgentFailure =
  | "timeout"
  | "aborted"
  | "http"
  | "network"
  | "bad-response"
  | "config"
  | "spawn"
  | "exit"
  | "output-too-large"
  | "internal";

/**
 * A runtime could not produce a reply. Always code `AGENT_FAILED`; `reason` says why. The message
 * is safe to log (never a key, secret, URL or the agent's stderr); the pipeline gives the user a
 * short apology instead.
 */
export class AgentRuntimeError extends GatewayError {
  readonly runtime: RuntimeType;
  readonly agentId: string;
  readonly reason: AgentFailure;
  /** HTTP status (openai, webhook). */
  readonly status: number | undefined;
  /** Exit code (command). */
  readonly exitCode: number | null | undefined;

  constructor(
    runtime: RuntimeType,
    agentId: string,
    reason: AgentFailure,
    message: string,
    options: { cause?: unknown; status?: number; exitCode?: number | null } = {},
  ) {
    super("AGENT_FAILED", `${runtime} runtime for agent "${agentId}": ${message}`, { cause: options.cause });
    this.runtime = runtime;
    this.agentId = agentId;
    this.reason = reason;
    this.status = options.status;
    this.exitCode = options.exitCode;
  }
}

export interface Deadline {
  signal: AbortSignal;
  /** The timeout fired (and not the caller's signal). */
  timedOut(): boolean;
  /** The caller's signal fired. */
  aborted(): boolean;
}

/** Combines the caller's signal with a timeout, keeping the two causes apart. */
export function deadline(timeoutMs: number, signal?: AbortSignal): Deadline {
  const timeout = AbortSignal.timeout(timeoutMs);
  return {
    signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    timedOut: () => timeout.aborted && !signal?.aborted,
    aborted: () => signal?.aborted === true,
  };
}

/** Maps a failed request to timeout / aborted / network. */
export function requestFailure(
  runtime: RuntimeType,
  agentId: string,
  error: unknown,
  limit: Deadline,
  timeoutMs: number,
): AgentRuntimeError {
  if (limit.aborted())
    return new AgentRuntimeError(runtime, agentId, "aborted", "turn aborted", { cause: error });
  if (limit.timedOut()) {
    return new AgentRuntimeError(runtime, agentId, "timeout", `no reply within ${timeoutMs} ms`, {
      cause: error,
    });
  }
  return new AgentRuntimeError(runtime, agentId, "network", "request failed", { cause: error });
}
