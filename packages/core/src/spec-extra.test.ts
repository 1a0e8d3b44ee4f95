/**
 * One table row per rule of spec/openclaw-compat.md §1–§3 and the "Patchbay decides" list that the
 * §6 vectors (spec-routing.test.ts) leave out, run through the public entry like the conformance
 * suite. Every route row is also checked against the plain reference algorithm.
 */
import { describe, expect, it } from "vitest";
import {
  classifySessionKeyShape,
  compileRouter,
  normalizeAccountId,
  normalizeAgentId,
  parseAgentSessionKey,
  type ResolveAgentRouteParams,
  type ResolvedAgentRoute,
  resolveAgentRoute,
  resolveAgentRouteReference,
  resolveThreadSessionKey,
} from "./index.js";

type Row = [
  name: string,
  cfg: unknown,
  input: Omit<ResolveAgentRouteParams, "cfg">,
  out: Partial<ResolvedAgentRoute>,
];

const bind = (agentId: string, match: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  agentId,
  match,
  ...extra,
});
const wa = (id: string, kind = "direct") => ({ channel: "whatsapp", peer: { kind, id } });
const discordIn = (extra: Record<string, unknown> = {}) => ({
  channel: "discord",
  guildId: "g1",
  peer: { kind: "channel", id: "c1" },
  ...extra,
});

function checkRows(rows: Row[]) {
  it.each(rows)("%s", (_name, cfg, input, out) => {
    const params = { cfg, ...input } as ResolveAgentRouteParams;
    const route = resolveAgentRoute(params);
    expect(route).toMatchObject(out);
    expect(resolveAgentRouteReference(params)).toEqual(route);
  });
}

describe("§1.1 default agent", () => {
  checkRows([
    ["missing agents → main", {}, wa("+1"), { agentId: "main", matchedBy: "default" }],
    ["empty list → main", { agents: { list: [] } }, wa("+1"), { agentId: "main" }],
    [
      "no default flag → first entry",
      { agents: { list: [{ id: "First" }, { id: "b" }] } },
      wa("+1"),
      { agentId: "first" },
    ],
    [
      "first default:true wins",
      { agents: { list: [{ id: "a" }, { id: "b", default: true }, { id: "c", default: true }] } },
      wa("+1"),
      { agentId: "b", sessionKey: "agent:b:main", mainSessionKey: "agent:b:main" },
    ],
    [
      "default id is normalised",
      { agents: { list: [{ id: "My Agent!", default: true }] } },
      wa("+1"),
      { agentId: "my-agent" },
    ],
  ]);

  it("warns once when several agents are marked default", () => {
    const cfg = {
      agents: {
        list: [
          { id: "a", default: true },
          { id: "b", default: true },
          { id: "c", default: true },
        ],
      },
    };
    expect(compileRouter(cfg).warnings).toEqual([
      "Multiple agents marked default=true; using the first entry as default.",
    ]);
    expect(compileRouter({ agents: { list: [{ id: "a", default: true }] } }).warnings).toEqual([]);
  });
});

describe("§1.2 binding fields", () => {
  checkRows([
    [
      "type missing is a route binding",
      { bindings: [bind("a", { channel: "whatsapp" })] },
      wa("+1"),
      { agentId: "a" },
    ],
    [
      "type route",
      { bindings: [bind("a", { channel: "whatsapp" }, { type: "route" })] },
      wa("+1"),
      { agentId: "a" },
    ],
    [
      "type acp is not tiered",
      { bindings: [bind("a", { channel: "whatsapp" }, { type: "acp" })] },
      wa("+1"),
      { agentId: "main" },
    ],
    [
      "channel trimmed and lowercased",
      { bindings: [bind("a", { channel: " WhatsApp " })] },
      wa("+1"),
      { agentId: "a" },
    ],
    [
      "no channel: ignored",
      { bindings: [bind("a", {}), bind("b", { channel: "" })] },
      wa("+1"),
      { matchedBy: "default" },
    ],
    [
      "blank accountId means default",
      { bindings: [bind("a", { channel: "whatsapp", accountId: "  " })] },
      wa("+1"),
      { agentId: "a", matchedBy: "binding.account" },
    ],
    [
      "blank accountId misses a named account",
      { bindings: [bind("a", { channel: "whatsapp", accountId: "" })] },
      { ...wa("+1"), accountId: "biz" },
      { agentId: "main", matchedBy: "default" },
    ],
    [
      "account pattern normalised: BIZ equals ' biz '",
      { bindings: [bind("a", { channel: "whatsapp", accountId: "BIZ" })] },
      { ...wa("+1"), accountId: " biz " },
      { agentId: "a", accountId: "biz", matchedBy: "binding.account" },
    ],
    [
      "'*' covers any account",
      { bindings: [bind("a", { channel: "whatsapp", accountId: "*" })] },
      { ...wa("+1"), accountId: "x" },
      { matchedBy: "binding.channel" },
    ],
    [
      "kind alias DM (any case)",
      { bindings: [bind("a", { channel: "whatsapp", peer: { kind: "DM", id: "+1" } })] },
      wa("+1"),
      { matchedBy: "binding.peer" },
    ],
    [
      "kind alias supergroup",
      { bindings: [bind("a", { channel: "telegram", peer: { kind: "SuperGroup", id: "-100" } })] },
      { channel: "telegram", peer: { kind: "group", id: "-100" } },
      { matchedBy: "binding.peer", sessionKey: "agent:a:telegram:group:-100" },
    ],
    [
      "binding id trimmed and numbers stringified",
      {
        bindings: [
          bind("a", { channel: "telegram", peer: { kind: "direct", id: 42 } }),
          bind("b", { channel: "telegram", peer: { kind: "group", id: " g " } }),
        ],
      },
      { channel: "telegram", peer: { kind: "direct", id: "42" } },
      { agentId: "a" },
    ],
    [
      "bigint binding id",
      { bindings: [bind("a", { channel: "discord", peer: { kind: "channel", id: 10n } })] },
      { channel: "discord", peer: { kind: "channel", id: " 10 " } },
      { agentId: "a" },
    ],
    [
      "peer ids compare case-sensitively",
      { bindings: [bind("a", { channel: "slack", peer: { kind: "channel", id: "C1" } })] },
      { channel: "slack", peer: { kind: "channel", id: "c1" } },
      { agentId: "main" },
    ],
    [
      "unknown binding kind never degrades to a broader tier",
      { bindings: [bind("a", { channel: "whatsapp", peer: { kind: "thread", id: "+1" } })] },
      wa("+1"),
      { agentId: "main", matchedBy: "default" },
    ],
    [
      "empty binding peer id is unmatchable",
      { bindings: [bind("a", { channel: "whatsapp", peer: { kind: "direct", id: "  " } })] },
      wa("+1"),
      { agentId: "main" },
    ],
    [
      "peer without a kind is unmatchable",
      { bindings: [bind("a", { channel: "whatsapp", peer: { id: "+1" } })] },
      wa("+1"),
      { agentId: "main" },
    ],
    [
      "guildId trimmed",
      { bindings: [bind("a", { channel: "discord", guildId: " g1 " })] },
      discordIn(),
      { agentId: "a", matchedBy: "binding.guild" },
    ],
    [
      "guildId exact (case)",
      { bindings: [bind("a", { channel: "discord", guildId: "G1" })] },
      discordIn(),
      { agentId: "main" },
    ],
    [
      "teamId trimmed",
      { bindings: [bind("a", { channel: "slack", teamId: " T1 " })] },
      { channel: "slack", teamId: "T1" },
      { matchedBy: "binding.team" },
    ],
    [
      "roles are exact strings, not trimmed",
      { bindings: [bind("a", { channel: "discord", guildId: "g1", roles: [" r1"] })] },
      discordIn({ memberRoleIds: ["r1"] }),
      { agentId: "main" },
    ],
    [
      "empty roles means no role constraint (guild tier)",
      { bindings: [bind("a", { channel: "discord", guildId: "g1", roles: [] })] },
      discordIn({ memberRoleIds: ["r9"] }),
      { agentId: "a", matchedBy: "binding.guild" },
    ],
    [
      "era-C session override is keyed normally",
      {
        bindings: [
          bind(
            "a",
            { channel: "telegram", peer: { kind: "group", id: "-1" } },
            { session: { groupScope: "main" } },
          ),
        ],
      },
      { channel: "telegram", peer: { kind: "group", id: "-1" } },
      { agentId: "a", sessionKey: "agent:a:telegram:group:-1" },
    ],
  ]);
});

describe("§2.2 inbound normalisation", () => {
  checkRows([
    [
      "channel trim + lowercase",
      {},
      { channel: " Telegram ", peer: { kind: "group", id: "-1" } },
      { channel: "telegram", sessionKey: "agent:main:telegram:group:-1" },
    ],
    ["blank accountId → default", {}, { channel: "x", accountId: "   " }, { accountId: "default" }],
    [
      "accountId normalised",
      {},
      { channel: "x", accountId: " Prod/US East " },
      { accountId: "prod-us-east" },
    ],
    [
      "inbound kind alias dm",
      { session: { dmScope: "per-peer" } },
      { channel: "x", peer: { kind: "dm", id: "U1" } },
      { sessionKey: "agent:main:direct:u1" },
    ],
    [
      "inbound numeric guild id",
      { bindings: [bind("a", { channel: "discord", guildId: "123" })] },
      { channel: "discord", guildId: 123 as never },
      { matchedBy: "binding.guild" },
    ],
    [
      "an array is not a peer",
      { session: { dmScope: "per-account-channel-peer" } },
      { channel: "x", peer: [] as never, parentPeer: ["x"] as never },
      { sessionKey: "agent:main:main" },
    ],
    [
      "numeric member roles stringified",
      { bindings: [bind("a", { channel: "discord", guildId: "g1", roles: ["7"] })] },
      discordIn({ memberRoleIds: [7] }),
      { matchedBy: "binding.guild+roles" },
    ],
  ]);
});

describe("§2.4 tiers and AND semantics", () => {
  checkRows([
    [
      "peer+guild: peer hits, guild differs → no match",
      { bindings: [bind("a", { channel: "discord", guildId: "g2", peer: { kind: "channel", id: "c1" } })] },
      discordIn(),
      { agentId: "main", matchedBy: "default" },
    ],
    [
      "peer+guild: peer misses → not a guild fallback (#14752)",
      { bindings: [bind("a", { channel: "discord", guildId: "g1", peer: { kind: "channel", id: "c9" } })] },
      discordIn(),
      { agentId: "main" },
    ],
    [
      "peer+roles needs a role",
      { bindings: [bind("a", { channel: "discord", roles: ["r1"], peer: { kind: "channel", id: "c1" } })] },
      discordIn({ memberRoleIds: ["r2"] }),
      { agentId: "main" },
    ],
    [
      "peer+team checks the team",
      { bindings: [bind("a", { channel: "slack", teamId: "T1", peer: { kind: "channel", id: "C1" } })] },
      { channel: "slack", teamId: "T2", peer: { kind: "channel", id: "C1" } },
      { agentId: "main" },
    ],
    [
      "parent tier",
      { bindings: [bind("p", { channel: "telegram", peer: { kind: "group", id: "-100" } })] },
      {
        channel: "telegram",
        peer: { kind: "group", id: "-100:topic:7" },
        parentPeer: { kind: "supergroup", id: " -100 " },
      },
      { agentId: "p", matchedBy: "binding.peer.parent", sessionKey: "agent:p:telegram:group:-100:topic:7" },
    ],
    [
      "parent with empty id is ignored",
      { bindings: [bind("p", { channel: "telegram", peer: { kind: "group", id: "*" } })] },
      { channel: "telegram", parentPeer: { kind: "group", id: "" } },
      { agentId: "main" },
    ],
    [
      "exact peer beats parent",
      {
        bindings: [
          bind("p", { channel: "discord", peer: { kind: "channel", id: "parent" } }),
          bind("t", { channel: "discord", peer: { kind: "channel", id: "thread" } }),
        ],
      },
      {
        channel: "discord",
        peer: { kind: "channel", id: "thread" },
        parentPeer: { kind: "channel", id: "parent" },
      },
      { agentId: "t", matchedBy: "binding.peer" },
    ],
    [
      "parent beats wildcard",
      {
        bindings: [
          bind("w", { channel: "discord", peer: { kind: "channel", id: "*" } }),
          bind("p", { channel: "discord", peer: { kind: "channel", id: "parent" } }),
        ],
      },
      {
        channel: "discord",
        peer: { kind: "channel", id: "thread" },
        parentPeer: { kind: "channel", id: "parent" },
      },
      { agentId: "p" },
    ],
    [
      "wildcard kind must match",
      { bindings: [bind("w", { channel: "telegram", peer: { kind: "direct", id: "*" } })] },
      { channel: "telegram", peer: { kind: "group", id: "-1" } },
      { agentId: "main" },
    ],
    [
      "wildcard group ≈ channel",
      { bindings: [bind("w", { channel: "slack", peer: { kind: "group", id: "*" } })] },
      { channel: "slack", peer: { kind: "channel", id: "C1" } },
      { agentId: "w", matchedBy: "binding.peer.wildcard", sessionKey: "agent:w:slack:channel:c1" },
    ],
    [
      "wildcard needs a peer",
      { bindings: [bind("w", { channel: "telegram", peer: { kind: "direct", id: "*" } })] },
      { channel: "telegram" },
      { agentId: "main" },
    ],
    [
      "wildcard with guild constraint",
      {
        bindings: [
          bind("w", { channel: "discord", guildId: "g2", peer: { kind: "channel", id: "*" } }),
          bind("g", { channel: "discord", guildId: "g1" }),
        ],
      },
      discordIn(),
      { agentId: "g", matchedBy: "binding.guild" },
    ],
    [
      "wildcard beats guild+roles",
      {
        bindings: [
          bind("gr", { channel: "discord", guildId: "g1", roles: ["r1"] }),
          bind("w", { channel: "discord", peer: { kind: "channel", id: "*" } }),
        ],
      },
      discordIn({ memberRoleIds: ["r1"] }),
      { agentId: "w" },
    ],
    [
      "guild+roles beats guild",
      {
        bindings: [
          bind("g", { channel: "discord", guildId: "g1" }),
          bind("gr", { channel: "discord", guildId: "g1", roles: ["r0", "r1"] }),
        ],
      },
      discordIn({ memberRoleIds: ["r1"] }),
      { agentId: "gr", matchedBy: "binding.guild+roles" },
    ],
    [
      "guild+roles: first in config order among role matches",
      {
        bindings: [
          bind("x", { channel: "discord", guildId: "g1", roles: ["r2"] }),
          bind("y", { channel: "discord", guildId: "g1", roles: ["r1"] }),
        ],
      },
      discordIn({ memberRoleIds: ["r1", "r2"] }),
      { agentId: "x" },
    ],
    [
      "guild+roles without matching role does not fall back to guild tier",
      { bindings: [bind("gr", { channel: "discord", guildId: "g1", roles: ["r1"] })] },
      discordIn({ memberRoleIds: ["r2"] }),
      { agentId: "main" },
    ],
    [
      "guild+roles tier needs member roles",
      {
        bindings: [
          bind("gr", { channel: "discord", guildId: "g1", roles: ["r1"] }),
          bind("acct", { channel: "discord" }),
        ],
      },
      discordIn({ memberRoleIds: [] }),
      { agentId: "acct", matchedBy: "binding.account" },
    ],
    [
      "guild+roles with a team checks the team",
      { bindings: [bind("gr", { channel: "discord", guildId: "g1", teamId: "t1", roles: ["r1"] })] },
      discordIn({ memberRoleIds: ["r1"], teamId: "t2" }),
      { agentId: "main" },
    ],
    [
      "guild with a team checks the team",
      { bindings: [bind("g", { channel: "discord", guildId: "g1", teamId: "t1" })] },
      discordIn({ teamId: "t1" }),
      { agentId: "g", matchedBy: "binding.guild" },
    ],
    [
      "guild beats team",
      {
        bindings: [
          bind("t", { channel: "slack", teamId: "T1" }),
          bind("g", { channel: "slack", guildId: "G1" }),
        ],
      },
      { channel: "slack", teamId: "T1", guildId: "G1" },
      { agentId: "g" },
    ],
    [
      "team with roles",
      {
        bindings: [
          bind("t", { channel: "slack", teamId: "T1", roles: ["admin"] }),
          bind("t2", { channel: "slack", teamId: "T1" }),
        ],
      },
      { channel: "slack", teamId: "T1", memberRoleIds: ["user"] },
      { agentId: "t2", matchedBy: "binding.team" },
    ],
    [
      "roles-only binding in the account tier",
      { bindings: [bind("r", { channel: "discord", roles: ["r1"] }), bind("acct", { channel: "discord" })] },
      discordIn({ memberRoleIds: ["r1"] }),
      { agentId: "r", matchedBy: "binding.account" },
    ],
    [
      "roles-only binding with no roles falls through",
      { bindings: [bind("r", { channel: "discord", roles: ["r1"] }), bind("acct", { channel: "discord" })] },
      discordIn(),
      { agentId: "acct" },
    ],
    [
      "account beats channel even when listed later",
      {
        bindings: [
          bind("star", { channel: "whatsapp", accountId: "*" }),
          bind("acct", { channel: "whatsapp" }),
        ],
      },
      wa("+1"),
      { agentId: "acct", matchedBy: "binding.account" },
    ],
    [
      "'*' peer binding competes by config order",
      {
        bindings: [
          bind("star", { channel: "whatsapp", accountId: "*", peer: { kind: "direct", id: "+1" } }),
          bind("biz", { channel: "whatsapp", accountId: "biz", peer: { kind: "direct", id: "+1" } }),
        ],
      },
      { ...wa("+1"), accountId: "biz" },
      { agentId: "star", matchedBy: "binding.peer" },
    ],
    [
      "channel tier with roles",
      { bindings: [bind("c", { channel: "discord", accountId: "*", roles: ["r1"] })] },
      discordIn({ memberRoleIds: ["r1"] }),
      { agentId: "c", matchedBy: "binding.channel" },
    ],
    [
      "other channel's bindings never match",
      { bindings: [bind("a", { channel: "telegram" })] },
      wa("+1"),
      { agentId: "main" },
    ],
  ]);
});

describe("§2.5 agent choice and §2.7 result", () => {
  checkRows([
    [
      "no list: bound id used as-is, normalised",
      { bindings: [bind("Sales Team", { channel: "whatsapp" })] },
      wa("+1"),
      { agentId: "sales-team", mainSessionKey: "agent:sales-team:main" },
    ],
    [
      "listed: case-insensitive lookup",
      { agents: { list: [{ id: "home" }] }, bindings: [bind("HOME", { channel: "whatsapp" })] },
      wa("+1"),
      { agentId: "home" },
    ],
    [
      "unlisted: default agent, tier still reported",
      {
        agents: { list: [{ id: "home" }, { id: "work", default: true }] },
        bindings: [bind("ghost", { channel: "whatsapp" })],
      },
      wa("+1"),
      { agentId: "work", matchedBy: "binding.account", sessionKey: "agent:work:main" },
    ],
    ["lastRoutePolicy main", {}, wa("+1"), { lastRoutePolicy: "main" }],
    [
      "lastRoutePolicy session",
      {},
      wa("g@g.us", "group"),
      { lastRoutePolicy: "session", sessionKey: "agent:main:whatsapp:group:g@g.us" },
    ],
  ]);
});

describe("§2.6 id normalisation", () => {
  it.each([
    ["My Agent!", "my-agent"],
    ["", "main"],
    ["  ", "main"],
    ["!!!", "main"],
    ["Ops", "ops"],
    ["_x", "_x"],
    ["a".repeat(70), "a".repeat(64)],
  ])("agent %j → %j", (raw, id) => {
    expect(normalizeAgentId(raw)).toBe(id);
  });

  it.each([
    [" Prod/US East ", "prod-us-east"],
    ["  Business_1  ", "business_1"],
    ["_prod_us", "_prod_us"],
    ["", "default"],
    ["__proto__", "default"],
    ["__PROTO__", "default"],
    ["Constructor", "default"],
    ["prototype", "default"],
  ])("account %j → %j", (raw, id) => {
    expect(normalizeAccountId(raw)).toBe(id);
  });
});

describe("§3.1 direct keys and identity links", () => {
  const links = {
    zed: ["whatsapp:+1"],
    amy: ["+1", "TELEGRAM:42"],
    " Bob ": [" 7 "],
  };
  checkRows([
    [
      "first canonical in object order wins",
      { session: { dmScope: "per-peer", identityLinks: links } },
      wa("+1"),
      { sessionKey: "agent:main:direct:zed" },
    ],
    [
      "bare id candidate",
      { session: { dmScope: "per-peer", identityLinks: links } },
      { channel: "signal", peer: { kind: "direct", id: "+1" } },
      { sessionKey: "agent:main:direct:amy" },
    ],
    [
      "entries lowercased and trimmed",
      { session: { dmScope: "per-channel-peer", identityLinks: links } },
      { channel: "telegram", peer: { kind: "direct", id: "42" } },
      { sessionKey: "agent:main:telegram:direct:amy" },
    ],
    [
      "canonical trimmed then lowercased",
      { session: { dmScope: "per-peer", identityLinks: links } },
      { channel: "x", peer: { kind: "direct", id: "7" } },
      { sessionKey: "agent:main:direct:bob" },
    ],
    [
      "links ignored under main",
      { session: { identityLinks: links } },
      wa("+1"),
      { sessionKey: "agent:main:main" },
    ],
    [
      "links never apply to groups",
      { session: { dmScope: "per-peer", identityLinks: { amy: ["+1"] } } },
      wa("+1", "group"),
      { sessionKey: "agent:main:whatsapp:group:+1" },
    ],
    [
      "DM peer id lowercased",
      { session: { dmScope: "per-peer" } },
      { channel: "slack", peer: { kind: "direct", id: "U0ABC" } },
      { sessionKey: "agent:main:direct:u0abc" },
    ],
    [
      "present DM peer with empty id → unknown",
      { session: { dmScope: "per-peer" } },
      { channel: "x", peer: { kind: "direct", id: "" } },
      { sessionKey: "agent:main:direct:unknown" },
    ],
    [
      "no peer → main under any scope",
      { session: { dmScope: "per-account-channel-peer" } },
      { channel: "x" },
      { sessionKey: "agent:main:main", lastRoutePolicy: "main" },
    ],
    [
      "per-account-channel-peer normalises the account",
      { session: { dmScope: "per-account-channel-peer" } },
      { channel: "x", accountId: "Biz One", peer: { kind: "direct", id: "1" } },
      { sessionKey: "agent:main:x:biz-one:direct:1" },
    ],
  ]);
});

describe("§3.2 / §3.4 group keys and case", () => {
  checkRows([
    [
      "key uses inbound kind",
      { bindings: [bind("a", { channel: "discord", peer: { kind: "group", id: "c1" } })] },
      { channel: "discord", peer: { kind: "channel", id: "c1" } },
      { sessionKey: "agent:a:discord:channel:c1" },
    ],
    [
      "empty group id → unknown",
      {},
      { channel: "slack", peer: { kind: "channel", id: " " } },
      { sessionKey: "agent:main:slack:channel:unknown" },
    ],
    [
      "unknown kind keyed like a group, kind lowercased",
      {},
      { channel: "x", peer: { kind: "Thread", id: "T1" } },
      { sessionKey: "agent:main:x:thread:t1", lastRoutePolicy: "session" },
    ],
    [
      "signal group keeps case",
      {},
      { channel: "Signal", peer: { kind: "group", id: "AbC+/d=" } },
      { sessionKey: "agent:main:signal:group:AbC+/d=" },
    ],
    [
      "signal direct lowercased",
      { session: { dmScope: "per-channel-peer" } },
      { channel: "signal", peer: { kind: "direct", id: "AbC" } },
      { sessionKey: "agent:main:signal:direct:abc" },
    ],
    [
      "signal channel lowercased",
      {},
      { channel: "signal", peer: { kind: "channel", id: "AbC" } },
      { sessionKey: "agent:main:signal:channel:abc" },
    ],
    [
      "matrix channel keeps case",
      {},
      { channel: "matrix", peer: { kind: "channel", id: "!RoOm:Ex.org" } },
      { sessionKey: "agent:main:matrix:channel:!RoOm:Ex.org" },
    ],
    [
      "matrix group keeps case",
      {},
      { channel: "matrix", peer: { kind: "group", id: "!AbC" } },
      { sessionKey: "agent:main:matrix:group:!AbC" },
    ],
    [
      "matrix :thread: marker still lowercased",
      {},
      { channel: "matrix", peer: { kind: "channel", id: "!RoOm:Ex.org:THREAD:$EvT" } },
      { sessionKey: "agent:main:matrix:channel:!RoOm:Ex.org:thread:$EvT" },
    ],
    [
      "agent and channel lowercased everywhere",
      { bindings: [bind("Ops", { channel: "MATRIX" })] },
      { channel: "MATRIX", peer: { kind: "channel", id: "!R" } },
      { sessionKey: "agent:ops:matrix:channel:!R" },
    ],
  ]);
});

describe("§3.3 threads", () => {
  it.each([
    ["agent:main:slack:channel:c123", "200.000", "agent:main:slack:channel:c123:thread:200.000"],
    ["agent:main:telegram:group:-1", " AbC ", "agent:main:telegram:group:-1:thread:abc"],
    ["agent:main:main", "", "agent:main:main"],
    ["agent:main:main", "   ", "agent:main:main"],
    ["agent:a:matrix:channel:!RoOm", "$EvT", "agent:a:matrix:channel:!RoOm:thread:$EvT"],
  ])("%s + %j", (base, threadId, key) => {
    expect(resolveThreadSessionKey(base, threadId)).toBe(key);
  });
});

describe("§3.4 parsing", () => {
  it.each([
    ["AGENT:Main:Hook:Webhook:42", { agentId: "main", rest: "hook:webhook:42" }],
    ["agent:main:whatsapp:dm:+1555", { agentId: "main", rest: "whatsapp:dm:+1555" }],
    ["agent:ops:signal:group:AbC=", { agentId: "ops", rest: "signal:group:abc=" }],
    ["  agent:a:main  ", { agentId: "a", rest: "main" }],
    ["agent:a:b::c", { agentId: "a", rest: "b:c" }],
    ["agent::broken", null],
    ["agent:main", null],
    ["agent:main:", null],
    ["agent:main::", null],
    ["agent: :x", null],
    ["main", null],
  ])("parse %j", (key, parsed) => {
    expect(parseAgentSessionKey(key)).toEqual(parsed);
  });

  it.each([
    ["agent:main:main", "agent"],
    ["agent:main:whatsapp:dm:+1", "agent"],
    ["agent::broken", "malformed_agent"],
    ["agent:main", "malformed_agent"],
    ["agent:main::", "malformed_agent"],
    ["Agent:x", "malformed_agent"],
    ["main", "legacy_or_alias"],
    ["subagent:x", "legacy_or_alias"],
    ["", "missing"],
    [" \t", "missing"],
  ])("classify %j → %s", (key, shape) => {
    expect(classifySessionKeyShape(key)).toBe(shape);
  });
});
