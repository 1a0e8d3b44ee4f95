import { describe, expect, it } from "vitest";
import { compileRouter } from "./compile.js";
import type { RouteCandidate } from "./types.js";

const bind = (agentId: string, match: Record<string, unknown>) => ({
  agentId,
  match: { channel: "discord", ...match },
});
const candidate = (candidates: RouteCandidate[], index: number) => candidates.find((c) => c.index === index);

describe("compileRouter: tiers", () => {
  it("lets a peer binding listed last beat an account binding listed first", () => {
    const router = compileRouter({
      bindings: [bind("acct", {}), bind("peer", { peer: { kind: "channel", id: "c1" } })],
    });
    const route = router.resolve({ channel: "discord", peer: { kind: "channel", id: "c1" } });
    expect(route).toMatchObject({ agentId: "peer", matchedBy: "binding.peer" });
  });

  it("matches an omitted accountId only on the default account", () => {
    const router = compileRouter({ bindings: [bind("home", {})] });
    expect(router.resolve({ channel: "discord" }).matchedBy).toBe("binding.account");
    expect(router.resolve({ channel: "discord", accountId: " DEFAULT " }).matchedBy).toBe("binding.account");
    expect(router.resolve({ channel: "discord", accountId: "work" })).toMatchObject({
      agentId: "main",
      matchedBy: "default",
    });
  });

  it("interleaves '*' and account-specific bindings by config order within a tier", () => {
    const bindings = [
      bind("star", { accountId: "*", peer: { kind: "direct", id: "u1" } }),
      bind("work", { accountId: "Work", peer: { kind: "direct", id: "u1" } }),
    ];
    const input = { channel: "discord", accountId: "work", peer: { kind: "dm", id: "u1" } };
    expect(compileRouter({ bindings }).resolve(input).agentId).toBe("star");
    expect(compileRouter({ bindings: [...bindings].reverse() }).resolve(input).agentId).toBe("work");
  });

  it("never turns a peer+guild binding into a guild-wide fallback", () => {
    const router = compileRouter({
      bindings: [bind("chan", { guildId: "g1", peer: { kind: "channel", id: "c1" } })],
    });
    expect(
      router.resolve({ channel: "discord", guildId: "g1", peer: { kind: "channel", id: "c2" } }).matchedBy,
    ).toBe("default");
    expect(
      router.resolve({ channel: "discord", guildId: "g2", peer: { kind: "channel", id: "c1" } }).matchedBy,
    ).toBe("default");
    expect(
      router.resolve({ channel: "discord", guildId: "g1", peer: { kind: "group", id: "c1" } }).matchedBy,
    ).toBe("binding.peer");
  });

  it("does not let a guild+roles binding fall back to the guild tier", () => {
    const router = compileRouter({ bindings: [bind("opus", { guildId: "g1", roles: ["r1"] })] });
    expect(router.resolve({ channel: "discord", guildId: "g1", memberRoleIds: ["r2"] }).matchedBy).toBe(
      "default",
    );
    expect(router.resolve({ channel: "discord", guildId: "g1" }).matchedBy).toBe("default");
    expect(router.resolve({ channel: "discord", guildId: "g1", memberRoleIds: ["r2", "r1"] })).toMatchObject({
      agentId: "opus",
      matchedBy: "binding.guild+roles",
    });
  });

  it("makes unknown kinds and empty ids unmatchable, never broader", () => {
    const router = compileRouter({
      bindings: [
        bind("bogus", { peer: { kind: "thread", id: "c1" } }),
        bind("empty", { peer: { kind: "channel", id: " " } }),
      ],
    });
    expect(router.resolve({ channel: "discord", peer: { kind: "thread", id: "c1" } }).matchedBy).toBe(
      "default",
    );
    expect(router.resolve({ channel: "discord" }).matchedBy).toBe("default");
  });

  it("enables the wildcard tier for a present peer with an empty id, not for no peer", () => {
    const router = compileRouter({ bindings: [bind("any", { peer: { kind: "group", id: "*" } })] });
    expect(router.resolve({ channel: "discord", peer: { kind: "channel", id: "" } })).toMatchObject({
      matchedBy: "binding.peer.wildcard",
      sessionKey: "agent:any:discord:channel:unknown",
    });
    expect(router.resolve({ channel: "discord" }).matchedBy).toBe("default");
  });

  it("matches thread parents as binding.peer.parent and keys by the thread", () => {
    const router = compileRouter({ bindings: [bind("parent", { peer: { kind: "channel", id: "P" } })] });
    const route = router.resolve({
      channel: "discord",
      peer: { kind: "channel", id: "T" },
      parentPeer: { kind: "channel", id: " P " },
    });
    expect(route).toMatchObject({
      agentId: "parent",
      matchedBy: "binding.peer.parent",
      sessionKey: "agent:parent:discord:channel:t",
    });
  });

  it("routes an unknown agent to the default agent but still reports the tier", () => {
    const router = compileRouter({
      agents: { list: [{ id: "home" }, { id: "work", default: true }] },
      bindings: [bind("ghost", {})],
    });
    expect(router.resolve({ channel: "discord" })).toMatchObject({
      agentId: "work",
      matchedBy: "binding.account",
    });
  });

  it("picks the default agent per §1.1 and warns about several defaults", () => {
    expect(compileRouter({}).defaultAgentId).toBe("main");
    expect(compileRouter({ agents: { list: [] } }).defaultAgentId).toBe("main");
    expect(compileRouter({ agents: { list: [{ id: "A" }, { id: "b" }] } }).defaultAgentId).toBe("a");
    const several = compileRouter({
      agents: { list: [{ id: "a" }, { id: "b", default: true }, { id: "c", default: true }] },
    });
    expect(several.defaultAgentId).toBe("b");
    expect(several.warnings).toEqual([
      "Multiple agents marked default=true; using the first entry as default.",
    ]);
  });

  it("ignores ACP bindings and bindings without a channel", () => {
    const router = compileRouter({
      bindings: [
        { agentId: "acp", type: "acp", match: { channel: "discord" } },
        { agentId: "nochannel", match: {} },
        bind("route", { accountId: "*" }),
      ],
    });
    expect(router.resolve({ channel: "discord" })).toMatchObject({
      agentId: "route",
      matchedBy: "binding.channel",
    });
  });

  it("returns a fresh object every call", () => {
    const router = compileRouter({ bindings: [bind("a", {})] });
    const first = router.resolve({ channel: "discord" });
    first.agentId = "poisoned";
    const second = router.resolve({ channel: "discord" });
    expect(second).not.toBe(first);
    expect(second.agentId).toBe("a");
  });

  it("never throws on odd config or input", () => {
    for (const cfg of [
      undefined,
      null,
      5,
      "x",
      [],
      { bindings: "x" },
      { bindings: [null, 1, { match: 5 }] },
    ]) {
      const router = compileRouter(cfg);
      for (const input of [
        null,
        undefined,
        5,
        {},
        { channel: 5, accountId: {}, peer: "x", memberRoleIds: "r" },
      ]) {
        expect(router.resolve(input as never).agentId).toBe("main");
        expect(router.explain(input as never).matchedBy).toBe("default");
      }
    }
  });
});

describe("compileRouter: explain", () => {
  it("reports the winner and why each other binding lost", () => {
    const router = compileRouter({
      agents: { list: [{ id: "main" }, { id: "peer" }, { id: "guild" }] },
      bindings: [
        bind("acct", {}), // 0: matches, lower tier; its agent is unknown
        bind("guild", { guildId: "g1" }), // 1: matches, lower tier
        bind("peer", { peer: { kind: "channel", id: "c1" } }), // 2: wins
        bind("peer", { accountId: "*", peer: { kind: "group", id: "c1" } }), // 3: same tier, later
        bind("other", { peer: { kind: "channel", id: "c2" } }), // 4: wrong id
        bind("roles", { guildId: "g1", roles: ["r9"] }), // 5: roles fail
        bind("work", { accountId: "work" }), // 6: other account
        bind("bad", { peer: { kind: "thread", id: "c1" } }), // 7: unmatchable
        bind("team", { teamId: "t1" }), // 8: no team on the message
        bind("direct", { peer: { kind: "direct", id: "c1" } }), // 9: kind mismatch
      ],
    });
    const explanation = router.explain({
      channel: "Discord",
      guildId: "g1",
      memberRoleIds: ["r1"],
      peer: { kind: "channel", id: "c1" },
    });
    expect(explanation.matchedBy).toBe("binding.peer");
    expect(explanation.winner).toEqual({
      index: 2,
      boundAgentId: "peer",
      agentFallback: false,
      bucket: "peer",
    });
    expect(explanation.route.agentId).toBe("peer");
    const { candidates } = explanation;
    expect(candidates.map((c) => c.index)).toEqual([0, 1, 3, 4, 5, 6, 7, 8, 9]);
    expect(candidate(candidates, 0)).toMatchObject({ reason: "lower-tier", matchedTier: "binding.account" });
    expect(candidate(candidates, 1)).toMatchObject({ reason: "lower-tier", matchedTier: "binding.guild" });
    expect(candidate(candidates, 3)).toMatchObject({ reason: "later-in-tier", matchedTier: "binding.peer" });
    expect(candidate(candidates, 4)).toMatchObject({ reason: "constraint-failed", failed: "peer-id" });
    expect(candidate(candidates, 5)).toMatchObject({ reason: "constraint-failed", failed: "roles" });
    expect(candidate(candidates, 6)).toMatchObject({ reason: "account-mismatch" });
    expect(candidate(candidates, 7)).toMatchObject({ reason: "unmatchable", bucket: "unmatchable" });
    expect(candidate(candidates, 8)).toMatchObject({ reason: "constraint-failed", failed: "team" });
    expect(candidate(candidates, 9)).toMatchObject({ reason: "constraint-failed", failed: "peer-kind" });
    for (const c of candidates) expect(c.detail.length).toBeGreaterThan(0);
  });

  it("names the agent fallback and the omitted-accountId trap", () => {
    const router = compileRouter({
      agents: { list: [{ id: "main" }] },
      bindings: [bind("ghost", { accountId: "work" }), bind("home", {})],
    });
    const explanation = router.explain({ channel: "discord", accountId: "work" });
    expect(explanation.route).toMatchObject({ agentId: "main", matchedBy: "binding.account" });
    expect(explanation.winner).toMatchObject({ index: 0, boundAgentId: "ghost", agentFallback: true });
    expect(explanation.notes.join("\n")).toContain('agent "ghost" is not in agents.list');
    const omitted = candidate(explanation.candidates, 1);
    expect(omitted).toMatchObject({ reason: "account-mismatch" });
    expect(omitted?.detail).toContain('matches only the account "default"');
  });

  it("explains a default route and the normalised input", () => {
    const explanation = compileRouter({ bindings: [bind("g", { guildId: "g1" })] }).explain({
      channel: " DISCORD ",
      accountId: "Biz",
      peer: { kind: "dm", id: 42 },
    });
    expect(explanation.winner).toBeNull();
    expect(explanation.input).toMatchObject({
      channel: "discord",
      accountId: "biz",
      peer: { kind: "direct", id: "42" },
    });
    expect(explanation.candidates.map((c) => c.reason)).toEqual(["account-mismatch"]);
    const onDefault = compileRouter({ bindings: [bind("g", { guildId: "g1" })] }).explain({
      channel: "discord",
    });
    expect(onDefault.candidates[0]).toMatchObject({ reason: "constraint-failed", failed: "guild" });
    expect(onDefault.notes[0]).toContain("no binding matched");
  });
});
