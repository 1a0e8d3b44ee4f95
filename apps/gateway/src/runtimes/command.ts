import { spawn } from "node:child_process";
import { stat } from "node:fs/promises";
import { type Logger, silentLogger } from "@patchbay/core";
import { AgentRuntimeError } from "./errors.js";
import type { AgentReply, AgentRuntime, AgentTurn, CommandRuntimeConfig, RuntimeDeps } from "./types.js";

const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_KILL_GRACE_MS = 2_000;
/** A reply is chat text; more than this is a runaway process. */
const MAX_STDOUT_BYTES = 1024 * 1024;
const STDERR_TAIL_BYTES = 2048;
const INHERITED_ENV = ["PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR", "SYSTEMROOT"];

/**
 * Spawns `command args…` (no shell) once per turn, in the agent's workspace when it exists. The
 * turn goes to stdin as JSON; stdout is the reply, either plain text or `{ "text": "…" }`.
 * On timeout or abort: SIGTERM, then SIGKILL after a grace period. A non-zero exit is an error;
 * the tail of stderr goes to the log, never to the user.
 */
export class CommandRuntime implements AgentRuntime {
  readonly type = "command" as const;
  readonly #config: CommandRuntimeConfig;
  readonly #logger: Logger;
  readonly #killGraceMs: number;
  readonly #baseEnv: Record<string, string>;

  constructor(config: CommandRuntimeConfig, deps: RuntimeDeps = {}) {
    this.#config = config;
    this.#logger = deps.logger ?? silentLogger;
    this.#killGraceMs = deps.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
    this.#baseEnv = deps.baseEnv ?? defaultBaseEnv();
  }

  async run(turn: AgentTurn, signal?: AbortSignal): Promise<AgentReply> {
    const agentId = turn.agentId;
    const fail = (reason: ConstructorParameters<typeof AgentRuntimeError>[2], message: string, extra = {}) =>
      new AgentRuntimeError("command", agentId, reason, message, extra);
    if (signal?.aborted) throw fail("aborted", "turn aborted");

    const cwd = (await isDir(turn.workspaceDir)) ? turn.workspaceDir : undefined;
    const { workspaceDir: _local, ...payload } = turn;
    const timeoutMs = this.#config.timeoutMs ?? DEFAULT_TIMEOUT_MS;

    return new Promise<AgentReply>((resolve, reject) => {
      const child = spawn(this.#config.command, this.#config.args ?? [], {
        cwd,
        env: {
          ...this.#baseEnv,
          ...this.#config.env,
          PATCHBAY_AGENT_ID: agentId,
          PATCHBAY_SESSION_KEY: turn.sessionKey,
        },
        stdio: ["pipe", "pipe", "pipe"],
        windowsHide: true,
      });
      const stdout: Buffer[] = [];
      let stdoutBytes = 0;
      let stderr = Buffer.alloc(0);
      let stopped: "timeout" | "aborted" | "output-too-large" | undefined;
      let killTimer: NodeJS.Timeout | undefined;

      const stop = (why: NonNullable<typeof stopped>) => {
        if (stopped) return;
        stopped = why;
        child.kill("SIGTERM");
        killTimer = setTimeout(() => child.kill("SIGKILL"), this.#killGraceMs);
        killTimer.unref();
      };
      const timer = setTimeout(() => stop("timeout"), timeoutMs);
      const onAbort = () => stop("aborted");
      signal?.addEventListener("abort", onAbort, { once: true });

      child.stdout.on("data", (chunk: Buffer) => {
        stdoutBytes += chunk.length;
        if (stdoutBytes > MAX_STDOUT_BYTES) stop("output-too-large");
        else stdout.push(chunk);
      });
      child.stderr.on("data", (chunk: Buffer) => {
        stderr = Buffer.concat([stderr, chunk]);
        if (stderr.length > STDERR_TAIL_BYTES * 2) stderr = stderr.subarray(-STDERR_TAIL_BYTES);
      });
      // A child that exits without reading stdin makes the write fail with EPIPE; the exit code tells the story.
      child.stdin.on("error", () => {});
      child.stdin.end(JSON.stringify(payload));

      let settled = false;
      const cleanup = () => {
        settled = true;
        clearTimeout(timer);
        if (killTimer) clearTimeout(killTimer);
        signal?.removeEventListener("abort", onAbort);
      };
      child.on("error", (error) => {
        if (settled) return;
        cleanup();
        reject(fail("spawn", "cannot start the command", { cause: error }));
      });
      child.on("close", (code, exitSignal) => {
        if (settled) return;
        cleanup();
        const tail = stderr.subarray(-STDERR_TAIL_BYTES).toString("utf8").trim();
        if (stopped) {
          this.#logger.warn("agent command stopped", {
            agentId,
            why: stopped,
            signal: exitSignal,
            stderrTail: tail,
          });
          const message =
            stopped === "timeout"
              ? `no reply within ${timeoutMs} ms`
              : stopped === "aborted"
                ? "turn aborted"
                : `stdout over ${MAX_STDOUT_BYTES} bytes`;
          reject(fail(stopped, message, { exitCode: code }));
          return;
        }
        if (code !== 0) {
          this.#logger.warn("agent command failed", {
            agentId,
            exitCode: code,
            signal: exitSignal,
            stderrTail: tail,
          });
          reject(fail("exit", `command exited with ${code ?? exitSignal}`, { exitCode: code }));
          return;
        }
        resolve({ text: parseReply(Buffer.concat(stdout).toString("utf8")) });
      });
    });
  }
}

/** Plain text, or a JSON object with a string `text`. */
function parseReply(output: string): string {
  const trimmed = output.trim();
  if (trimmed.startsWith("{")) {
    try {
      const json = JSON.parse(trimmed) as { text?: unknown };
      if (typeof json.text === "string") return json.text;
    } catch {
      // Not JSON after all: a plain-text reply that starts with "{".
    }
  }
  return trimmed;
}

async function isDir(path: string | undefined): Promise<boolean> {
  if (!path) return false;
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

function defaultBaseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of INHERITED_ENV) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

export function createCommandRuntime(config: CommandRuntimeConfig, deps?: RuntimeDeps): CommandRuntime {
  return new CommandRuntime(config, deps);
}
