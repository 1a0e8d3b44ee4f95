import { describe, expect, it } from "vitest";
import { classifySessionKeyShape, parseAgentSessionKey } from "./parse.js";

describe("parseAgentSessionKey", () => {
  it("parses case-insensitively and lowercases both parts", () => {
    expect(parseAgentSessionKey("AGENT:Main:Hook:Webhook:42")).toEqual({
      agentId: "main",
      rest: "hook:webhook:42",
    });
    expect(parseAgentSessionKey(" agent:a:main ")).toEqual({ agentId: "a", rest: "main" });
  });

  it("accepts legacy :dm: keys", () => {
    expect(parseAgentSessionKey("agent:main:whatsapp:dm:+1555")).toEqual({
      agentId: "main",
      rest: "whatsapp:dm:+1555",
    });
  });

  it.each(["agent::broken", "agent:main", "agent:main:", "main", "subagent:x", "", "agentx:a:b"])(
    "rejects %j",
    (key) => {
      expect(parseAgentSessionKey(key)).toBeNull();
    },
  );

  it("rejects non-strings", () => {
    expect(parseAgentSessionKey(undefined)).toBeNull();
    expect(parseAgentSessionKey(42)).toBeNull();
  });
});

describe("classifySessionKeyShape", () => {
  it.each([
    ["agent:main:main", "agent"],
    ["AGENT:Main:Hook:Webhook:42", "agent"],
    ["agent::broken", "malformed_agent"],
    ["agent:main", "malformed_agent"],
    ["main", "legacy_or_alias"],
    ["subagent:x", "legacy_or_alias"],
    ["  ", "missing"],
    [undefined, "missing"],
    [null, "missing"],
  ])("%j is %s", (key, shape) => {
    expect(classifySessionKeyShape(key)).toBe(shape);
  });
});
