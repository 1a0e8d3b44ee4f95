import { ConfigError, type ConfigIssue } from "@patchbay/core";
import { CommandRuntime } from "./command.js";
import { EchoRuntime } from "./echo.js";
import { AgentRuntimeError } from "./errors.js";
import { OpenAiRuntime } from "./openai.js";
import type { AgentReply, AgentRuntime, AgentTurn, RuntimeConfig, RuntimeDeps } from "./types.js";
import { WebhookRuntime } from "./webhook.js";

/**
 * Checks an `agents.list[].runtime` value (secrets already resolved to strings) and returns it
 * typed; throws a `ConfigError` listing every problem under `path`.
 */
export function parseRuntimeConfig(value: unknown, path = "runtime"): RuntimeConfig {
  const issues: ConfigIssue[] = [];
  const at = (key: string) => `${path}.${key}`;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ConfigError([{ path, message: "must be an object with a `type`" }]);
  }
  const v = value as Record<string, unknown>;
  const str = (key: string, required: boolean) => {
    const field = v[key];
    if (field === undefined && !required) return;
    if (typeof field !== "string" || field.trim() === "")
      issues.push({ path: at(key), message: "must be a non-empty string" });
  };
  const timeout = () => {
    const field = v.timeoutMs;
    if (field !== undefined && (typeof field !== "number" || !Number.isInteger(field) || field <= 0)) {
      issues.push({ path: at("timeoutMs"), message: "must be a positive integer (milliseconds)" });
    }
  };
  const url = (key: string) => {
    const field = v[key];
    if (typeof field !== "string") return;
    try {
      const parsed = new URL(field);
      if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new Error("protocol");
    } catch {
      issues.push({ path: at(key), message: "must be an http(s) URL" });
    }
  };
  switch (v.type) {
    case "echo":
      break;
    case "openai":
      str("baseUrl", true);
      url("baseUrl");
      str("apiKey", true);
      str("model", false);
      timeout();
      break;
    case "webhook":
      str("url", true);
      url("url");
      str("secret", true);
      timeout();
      break;
    case "command": {
      str("command", true);
      timeout();
      const { args, env } = v;
      if (args !== undefined && (!Array.isArray(args) || args.some((a) => typeof a !== "string"))) {
        issues.push({ path: at("args"), message: "must be an array of strings" });
      }
      if (
        env !== undefined &&
        (typeof env !== "object" || env === null || Object.values(env).some((e) => typeof e !== "string"))
      ) {
        issues.push({ path: at("env"), message: "must map names to strings" });
      }
      break;
    }
    default:
      issues.push({
        path: at("type"),
        message: 'must be one of "echo", "openai", "webhook", "command"',
        allowedKeys: ["echo", "openai", "webhook", "command"],
      });
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return value as RuntimeConfig;
}

/**
 * Builds an agent's runtime from its config. Whatever the runtime throws reaches the caller as an
 * `AgentRuntimeError` (code `AGENT_FAILED`), and a reply always has string `text`.
 */
export function createRuntime(config: RuntimeConfig, deps: RuntimeDeps = {}): AgentRuntime {
  const checked = parseRuntimeConfig(config);
  switch (checked.type) {
    case "echo":
      return guard(new EchoRuntime());
    case "openai":
      return guard(new OpenAiRuntime(checked, deps));
    case "webhook":
      return guard(new WebhookRuntime(checked, deps));
    case "command":
      return guard(new CommandRuntime(checked, deps));
  }
}

function guard(inner: AgentRuntime): AgentRuntime {
  return {
    type: inner.type,
    async run(turn: AgentTurn, signal?: AbortSignal): Promise<AgentReply> {
      let reply: AgentReply;
      try {
        reply = await inner.run(turn, signal);
      } catch (error) {
        if (error instanceof AgentRuntimeError) throw error;
        throw new AgentRuntimeError(inner.type, turn.agentId, "internal", "runtime failed", { cause: error });
      }
      return { text: typeof reply?.text === "string" ? reply.text : "" };
    },
  };
}
