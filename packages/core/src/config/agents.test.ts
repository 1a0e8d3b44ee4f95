import { describe, expect, it } from "vitest";
import { listAgentIds, resolveAgentPaths, resolveDefaultAgentId } from "./agents.js";
import { listEnabledChannels } from "./channels.js";
import { mergeConfigEnv, resolveGatewayListen } from "./gateway.js";
import { validateConfig } from "./parse.js";
import type { PatchbayConfig } from "./schema.js";

const load = (value: unknown): PatchbayConfig => validateConfig(value).config;

describe("resolveDefaultAgentId (spec §1.1)", () => {
  it("is main without a list, the first entry without a marker, the first marked entry otherwise", () => {
    expect(resolveDefaultAgentId(load({}))).toBe("main");
    expect(resolveDefaultAgentId(load({ agents: { list: [] } }))).toBe("main");
    expect(resolveDefaultAgentId(load({ agents: { list: [{ id: "Home" }, { id: "work" }] } }))).toBe("home");
    const twoMarked = validateConfig({
      agents: { list: [{ id: "a" }, { id: "B", default: true }, { id: "c", default: true }] },
    });
    expect(resolveDefaultAgentId(twoMarked.config)).toBe("b");
    expect(twoMarked.warnings[0]?.message).toContain("Multiple agents marked default=true");
  });

  it("lists normalised agent ids", () => {
    expect(listAgentIds(load({ agents: { list: [{ id: "My Agent!" }, { id: "x" }] } }))).toEqual([
      "my-agent",
      "x",
    ]);
    expect(listAgentIds(load({}))).toEqual(["main"]);
  });
});

describe("resolveAgentPaths", () => {
  const options = { stateDir: "/state", homeDir: "/home/u" };

  it("roots defaults in the state dir", () => {
    const config = load({ agents: { list: [{ id: "home" }, { id: "Work" }] } });
    expect(resolveAgentPaths(config, "home", options)).toEqual({
      agentId: "home",
      workspace: "/state/workspace",
      agentDir: "/state/agents/home/agent",
      sessionsDir: "/state/agents/home/sessions",
    });
    expect(resolveAgentPaths(config, "WORK", options).workspace).toBe("/state/workspace-work");
  });

  it("honours agents.defaults.workspace and explicit paths, expanding ~", () => {
    const config = load({
      agents: {
        defaults: { workspace: "~/ws" },
        list: [{ id: "a" }, { id: "b" }, { id: "c", workspace: "/w/c", agentDir: "~/c-agent" }],
      },
    });
    expect(resolveAgentPaths(config, "a", options).workspace).toBe("/home/u/ws");
    expect(resolveAgentPaths(config, "b", options).workspace).toBe("/home/u/ws/b");
    expect(resolveAgentPaths(config, "c", options)).toMatchObject({
      workspace: "/w/c",
      agentDir: "/home/u/c-agent",
    });
  });
});

describe("listEnabledChannels", () => {
  it("lists configured channel sections not disabled, without defaults", () => {
    const config = load({
      channels: {
        defaults: {},
        telegram: {},
        discord: { enabled: false },
        slack: { enabled: true },
        matrix: {},
      },
    });
    expect(listEnabledChannels(config)).toEqual(["telegram", "slack", "matrix"]);
  });
});

describe("resolveGatewayListen / mergeConfigEnv", () => {
  it("defaults to 127.0.0.1:18789 and maps OpenClaw bind modes", () => {
    expect(resolveGatewayListen(load({}))).toEqual({ port: 18789, host: "127.0.0.1" });
    expect(resolveGatewayListen(load({ gateway: { port: 0, bind: "0.0.0.0" } }))).toEqual({
      port: 0,
      host: "0.0.0.0",
    });
    expect(resolveGatewayListen(load({ gateway: { bind: "loopback" } })).host).toBe("127.0.0.1");
    expect(resolveGatewayListen(load({ gateway: { bind: "lan" } })).host).toBe("0.0.0.0");
    expect(resolveGatewayListen(load({ gateway: { bind: "custom", customBindHost: "10.0.0.5" } })).host).toBe(
      "10.0.0.5",
    );
  });

  it("fills env from the config without overriding the process env", () => {
    const config = load({ env: { A: "from-inline", vars: { B: "from-vars", C: "from-vars" } } });
    expect(mergeConfigEnv(config, { C: "process" })).toEqual({
      A: "from-inline",
      B: "from-vars",
      C: "process",
    });
  });
});
