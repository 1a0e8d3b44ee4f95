import { ConfigError } from "@patchbay/core";
import { describe, expect, it } from "vitest";
import { AgentRuntimeError } from "./errors.js";
import { createRuntime, parseRuntimeConfig } from "./factory.js";
import type { AgentTurn, RuntimeConfig } from "./types.js";

const turn: AgentTurn = {
  agentId: "alex",
  sessionKey: "agent:alex:main",
  channel: "telegram",
  accountId: "default",
  peer: { kind: "direct", id: "1" },
  sender: { id: "1", isBot: false },
  text: "hi there",
  timestamp: 1,
  groupHistory: [],
  history: [],
};

function issuesOf(value: unknown): Array<{ path: string; message: string }> {
  try {
    parseRuntimeConfig(value, "agents.list[0].runtime");
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues;
  }
  return [];
}

describe("createRuntime", () => {
  it("builds each runtime type from its config", () => {
    const configs: RuntimeConfig[] = [
      { type: "echo" },
      { type: "openai", baseUrl: "http://127.0.0.1:1/v1", apiKey: "k" },
      { type: "webhook", url: "https://agent.example/hook", secret: "s" },
      { type: "command", command: "node", args: ["x.js"], env: { A: "1" }, timeoutMs: 5 },
    ];
    expect(configs.map((c) => createRuntime(c).type)).toEqual(["echo", "openai", "webhook", "command"]);
  });

  it("echo answers [<agentId>] <text>", async () => {
    expect(await createRuntime({ type: "echo" }).run(turn)).toEqual({ text: "[alex] hi there" });
  });

  it("failures reach the caller as AgentRuntimeError (AGENT_FAILED)", async () => {
    const runtime = createRuntime({
      type: "openai",
      baseUrl: "http://127.0.0.1:1/v1",
      apiKey: "k",
      model: "m",
    });
    const error = await runtime.run(turn).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AgentRuntimeError);
    expect(error).toMatchObject({ code: "AGENT_FAILED", reason: "network", runtime: "openai" });
  });

  it("wraps anything unexpected a runtime throws as reason internal", async () => {
    const runtime = createRuntime({ type: "webhook", url: "http://127.0.0.1:1/", secret: "s" });
    // A BigInt cannot be serialised: JSON.stringify throws a plain TypeError inside the runtime.
    const bad = { ...turn, text: 1n as unknown as string };
    const error = await runtime.run(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AgentRuntimeError);
    expect(error).toMatchObject({ code: "AGENT_FAILED", reason: "internal", runtime: "webhook" });
    expect((error as Error).cause).toBeInstanceOf(TypeError);
  });
});

describe("parseRuntimeConfig", () => {
  it("lists every problem with its path", () => {
    expect(issuesOf({ type: "openai", baseUrl: "ftp://x", timeoutMs: -1 })).toEqual([
      { path: "agents.list[0].runtime.baseUrl", message: "must be an http(s) URL" },
      { path: "agents.list[0].runtime.apiKey", message: "must be a non-empty string" },
      { path: "agents.list[0].runtime.timeoutMs", message: "must be a positive integer (milliseconds)" },
    ]);
    expect(issuesOf({ type: "webhook", url: "not a url", secret: "" }).map((i) => i.path)).toEqual([
      "agents.list[0].runtime.url",
      "agents.list[0].runtime.secret",
    ]);
    expect(
      issuesOf({ type: "command", command: "x", args: "nope", env: { A: 1 } }).map((i) => i.path),
    ).toEqual(["agents.list[0].runtime.args", "agents.list[0].runtime.env"]);
    expect(issuesOf({ type: "llm" })[0]?.path).toBe("agents.list[0].runtime.type");
    expect(issuesOf("echo")[0]?.path).toBe("agents.list[0].runtime");
    expect(issuesOf({ type: "echo" })).toEqual([]);
  });
});
