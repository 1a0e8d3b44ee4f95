import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliSandbox, createCliSandbox } from "../cli-test-io.js";

interface ListJson {
  agents: {
    id: string;
    name?: string;
    default: boolean;
    workspace: string;
    runtime: string;
    bindings?: {
      index: number;
      tier: string;
      channel: string;
      accountId: string;
      peer?: string;
      guildId?: string;
      teamId?: string;
      roles?: string[];
    }[];
  }[];
}

const CONFIG = {
  agents: {
    list: [
      { id: "main", default: true },
      { id: "home", name: "Home" },
      { id: "work", runtime: { type: "command", command: "/bin/true" } },
    ],
  },
  // Config order deliberately scrambles the tiers.
  bindings: [
    { agentId: "work", match: { channel: "telegram" } },
    { agentId: "work", match: { channel: "telegram", accountId: "alpha" } },
    { agentId: "work", match: { channel: "discord", guildId: "G1" } },
    { agentId: "work", match: { channel: "discord", guildId: "G1", roles: ["R1"] } },
    {
      agentId: "work",
      match: { channel: "telegram", accountId: "alpha", peer: { kind: "direct", id: "42" } },
    },
    { agentId: "work", match: { channel: "slack", teamId: "T1" } },
    { agentId: "work", match: { channel: "whatsapp", peer: { kind: "group", id: "*" } } },
    { agentId: "home", match: { channel: "telegram", accountId: "beta" } },
  ],
};

describe("patchbay agents list", () => {
  let box: CliSandbox;
  beforeAll(async () => {
    box = await createCliSandbox();
    await box.writeConfig(CONFIG);
  });
  afterAll(() => box.dispose());

  it("lists every agent with its default flag, workspace and runtime (JSON), without bindings unless asked", async () => {
    const run = await box.run(["agents", "list", "--json"]);
    expect(run.code).toBe(0);
    expect(run.json<ListJson>()).toEqual({
      agents: [
        { id: "main", default: true, workspace: join(box.stateDir, "workspace"), runtime: "echo" },
        {
          id: "home",
          name: "Home",
          default: false,
          workspace: join(box.stateDir, "workspace-home"),
          runtime: "echo",
        },
        { id: "work", default: false, workspace: join(box.stateDir, "workspace-work"), runtime: "command" },
      ],
    });
  });

  it("gives each agent's bindings in tier order, config order within a tier", async () => {
    const run = await box.run(["agents", "list", "--bindings", "--json"]);
    expect(run.code).toBe(0);
    const agents = run.json<ListJson>().agents;
    expect(agents.find((a) => a.id === "main")?.bindings).toEqual([]);
    expect(agents.find((a) => a.id === "home")?.bindings).toEqual([
      { index: 7, tier: "binding.account", channel: "telegram", accountId: "beta" },
    ]);
    const work = agents.find((a) => a.id === "work")?.bindings ?? [];
    expect(work.map((b) => [b.tier, b.index])).toEqual([
      ["binding.peer", 4],
      ["binding.peer.wildcard", 6],
      ["binding.guild+roles", 3],
      ["binding.guild", 2],
      ["binding.team", 5],
      ["binding.account", 0],
      ["binding.account", 1],
    ]);
    expect(work[0]).toEqual({
      index: 4,
      tier: "binding.peer",
      channel: "telegram",
      accountId: "alpha",
      peer: "direct:42",
    });
    expect(work[2]).toEqual({
      index: 3,
      tier: "binding.guild+roles",
      channel: "discord",
      accountId: "default",
      guildId: "G1",
      roles: ["R1"],
    });
    expect(work[4]).toMatchObject({ teamId: "T1" });
  });

  it("prints one line per agent and its bindings indented under it", async () => {
    const run = await box.run(["agents", "list", "--bindings"]);
    expect(run.code).toBe(0);
    const lines = run.out;
    expect(lines[0]).toBe(`main (default)  runtime=echo  ${join(box.stateDir, "workspace")}`);
    expect(lines[1]).toBe(`home "Home"  runtime=echo  ${join(box.stateDir, "workspace-home")}`);
    expect(lines[2]).toMatch(/^ {2}binding\.account +bindings\[7\] telegram account=beta$/);
    const workAt = lines.findIndex((line) => line.startsWith("work "));
    expect(lines.slice(workAt + 1).map((line) => /bindings\[(\d+)\]/.exec(line)?.[1])).toEqual([
      "4",
      "6",
      "3",
      "2",
      "5",
      "0",
      "1",
    ]);
    expect(lines[workAt + 1]).toMatch(/binding\.peer +bindings\[4\] telegram account=alpha direct:42$/);
    expect(lines[workAt + 3]).toMatch(/bindings\[3\] discord account=default guild=G1 roles=R1$/);
  });

  it("shows the implicit default agent when the config lists none", async () => {
    const bare = await createCliSandbox();
    try {
      await bare.writeConfig({});
      const run = await bare.run(["agents", "list", "--bindings", "--json"]);
      expect(run.code).toBe(0);
      expect(run.json<ListJson>().agents).toEqual([
        {
          id: "main",
          default: true,
          workspace: join(bare.stateDir, "workspace"),
          runtime: "echo",
          bindings: [],
        },
      ]);
    } finally {
      await bare.dispose();
    }
  });

  it("fails clearly on a missing config and an unknown flag", async () => {
    const missing = await box.run(["agents", "list", "--config", join(box.stateDir, "none.json")]);
    expect(missing.code).toBe(1);
    expect(missing.err).toEqual([
      "Invalid config:",
      expect.stringMatching(/^ {2}\(root\): config file not found: /),
    ]);
    const flag = await box.run(["agents", "list", "--binding"]);
    expect(flag.code).toBe(2);
    expect(flag.err.join("\n")).toMatch(/Unknown option '--binding'/);
  });
});
