import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliSandbox, createCliSandbox } from "../cli-test-io.js";

interface ExplainJson {
  agentId: string;
  sessionKey: string;
  matchedBy: string;
  bindingIndex: number | null;
  accountId: string;
  channel: string;
  candidates: { index: number; agentId: string; reason: string; detail: string; failed?: string }[];
  notes: string[];
}

const CONFIG = {
  agents: {
    list: [{ id: "main", default: true }, { id: "home" }, { id: "work" }, { id: "mods" }, { id: "guildy" }],
  },
  bindings: [
    { agentId: "home", match: { channel: "telegram", accountId: "alpha" } },
    {
      agentId: "work",
      match: { channel: "telegram", accountId: "alpha", peer: { kind: "direct", id: "42" } },
    },
    {
      agentId: "work",
      match: { channel: "telegram", accountId: "*", peer: { kind: "group", id: "-100777" } },
    },
    { agentId: "mods", match: { channel: "discord", guildId: "G1", roles: ["R-mod"] } },
    { agentId: "guildy", match: { channel: "discord", guildId: "G1" } },
    // No accountId: matches only the account named "default", which whatsapp does not have.
    { agentId: "home", match: { channel: "whatsapp" } },
  ],
  channels: { telegram: { accounts: { alpha: { botToken: "1:A" } } }, whatsapp: { accounts: { biz: {} } } },
};

describe("patchbay route explain", () => {
  let box: CliSandbox;
  beforeAll(async () => {
    box = await createCliSandbox();
    await box.writeConfig(CONFIG);
  });
  afterAll(() => box.dispose());

  const explain = async (...args: string[]) => {
    const run = await box.run(["route", "explain", ...args, "--json"]);
    expect(run.err).toEqual([]);
    expect(run.code).toBe(0);
    return run.json<ExplainJson>();
  };

  it("lets a peer binding beat the account binding, and says why the account binding lost", async () => {
    const body = await explain("--channel", "telegram", "--account", "alpha", "--peer", "direct:42");
    expect(body).toMatchObject({
      agentId: "work",
      sessionKey: "agent:work:main",
      matchedBy: "binding.peer",
      bindingIndex: 1,
      accountId: "alpha",
      channel: "telegram",
    });
    expect(body.candidates.map((c) => [c.index, c.reason])).toEqual([
      [0, "lower-tier"],
      [2, "constraint-failed"],
    ]);
  });

  it("prints the winner and every losing candidate with its reason in human form", async () => {
    const run = await box.run([
      "route",
      "explain",
      "--channel",
      "telegram",
      "--account",
      "alpha",
      "--peer",
      "direct:42",
    ]);
    expect(run.code).toBe(0);
    expect(run.out).toEqual([
      "agent:       work",
      "session key: agent:work:main",
      "matched by:  binding.peer (bindings[1])",
      "note:        bindings[1] wins as binding.peer",
      "other bindings on this channel:",
      "  bindings[0] -> home: matches as binding.account, but binding.peer outranks it",
      '  bindings[2] -> work: peer kind group does not match the peer kind "direct"',
    ]);
  });

  it("falls back to the account binding for another sender on the same account", async () => {
    const body = await explain("--channel", "telegram", "--account", "alpha", "--peer", "direct:43");
    expect(body).toMatchObject({ agentId: "home", matchedBy: "binding.account", bindingIndex: 0 });
    expect(body.candidates.find((c) => c.index === 1)).toMatchObject({
      reason: "constraint-failed",
      failed: "peer-id",
    });
  });

  it("routes a thread through its parent peer's binding (binding.peer.parent) with the thread's own session", async () => {
    const body = await explain(
      "--channel",
      "telegram",
      "--account",
      "alpha",
      "--peer",
      "group:-100777:topic:9",
      "--parent-peer",
      "group:-100777",
    );
    expect(body).toMatchObject({
      agentId: "work",
      matchedBy: "binding.peer.parent",
      bindingIndex: 2,
      sessionKey: "agent:work:telegram:group:-100777:topic:9",
    });
  });

  it("matches guild+roles when the sender has one of the roles, and the plain guild binding otherwise", async () => {
    const withRole = await explain(
      "--channel",
      "discord",
      "--peer",
      "channel:c1",
      "--guild",
      "G1",
      "--roles",
      "R-x,R-mod",
    );
    expect(withRole).toMatchObject({ agentId: "mods", matchedBy: "binding.guild+roles", bindingIndex: 3 });
    expect(withRole.candidates).toEqual([expect.objectContaining({ index: 4, reason: "lower-tier" })]);

    const without = await explain(
      "--channel",
      "discord",
      "--peer",
      "channel:c1",
      "--guild",
      "G1",
      "--roles",
      "R-x",
    );
    expect(without).toMatchObject({ agentId: "guildy", matchedBy: "binding.guild", bindingIndex: 4 });
    expect(without.candidates).toEqual([
      expect.objectContaining({ index: 3, reason: "constraint-failed", failed: "roles" }),
    ]);

    const otherGuild = await explain(
      "--channel",
      "discord",
      "--peer",
      "channel:c1",
      "--guild",
      "G2",
      "--roles",
      "R-mod",
    );
    expect(otherGuild).toMatchObject({ agentId: "main", matchedBy: "default", bindingIndex: null });
  });

  it("shows the omitted-accountId trap: that binding does not match a named account, so the default agent answers", async () => {
    const body = await explain("--channel", "whatsapp", "--account", "biz", "--peer", "direct:+15550001");
    expect(body).toMatchObject({
      agentId: "main",
      matchedBy: "default",
      bindingIndex: null,
      accountId: "biz",
    });
    expect(body.candidates).toEqual([
      expect.objectContaining({
        index: 5,
        reason: "account-mismatch",
        detail: expect.stringContaining('use accountId "*"'),
      }),
    ]);
    const human = await box.run([
      "route",
      "explain",
      "--channel",
      "whatsapp",
      "--account",
      "biz",
      "--peer",
      "direct:+15550001",
    ]);
    expect(human.out).toContain("matched by:  default (no binding matched: default agent)");
    expect(human.out.join("\n")).toMatch(
      /bindings\[5\] -> home: no match\.accountId: matches only the account "default", not "biz"/,
    );

    // Without --account the inbound account is "default", and the same binding does match.
    expect(await explain("--channel", "whatsapp", "--peer", "direct:+15550001")).toMatchObject({
      agentId: "home",
      matchedBy: "binding.account",
      bindingIndex: 5,
    });
  });

  it("accepts the dm alias for direct", async () => {
    expect(await explain("--channel", "telegram", "--account", "alpha", "--peer", "dm:42")).toMatchObject({
      agentId: "work",
      bindingIndex: 1,
    });
  });

  it("rejects an unknown channel with a clear error and exit 2", async () => {
    const run = await box.run(["route", "explain", "--channel", "telegrm", "--peer", "direct:1", "--json"]);
    expect(run.code).toBe(2);
    expect(run.out).toEqual([]);
    expect(run.err.join("\n")).toMatch(
      /^unknown channel "telegrm" \(known: telegram, discord, slack, whatsapp/,
    );
  });

  it("rejects a malformed --peer / --parent-peer and an unknown peer kind with exit 2", async () => {
    for (const [flag, value] of [
      ["--peer", "direct"],
      ["--peer", ":42"],
      ["--peer", "direct:"],
      ["--parent-peer", "group"],
    ] as const) {
      const run = await box.run(["route", "explain", "--channel", "telegram", flag, value]);
      expect(run.code, `${flag} ${value}`).toBe(2);
      expect(run.err.join("\n")).toBe(`${flag} must look like KIND:ID (e.g. direct:+15551230001)`);
    }
    const kind = await box.run(["route", "explain", "--channel", "telegram", "--peer", "user:42"]);
    expect(kind.code).toBe(2);
    expect(kind.err.join("\n")).toBe('--peer kind must be direct (or dm), group or channel, not "user"');
  });

  it("requires --channel, and fails clearly on a missing config", async () => {
    const noChannel = await box.run(["route", "explain", "--peer", "direct:1"]);
    expect(noChannel.code).toBe(2);
    expect(noChannel.err.join("\n")).toMatch(/^--channel is required\nUsage: patchbay route explain/);

    const missing = await box.run([
      "route",
      "explain",
      "--channel",
      "telegram",
      "--config",
      `${box.stateDir}/none.json`,
    ]);
    expect(missing.code).toBe(1);
    expect(missing.err.join("\n")).toContain("config file not found");
  });
});
