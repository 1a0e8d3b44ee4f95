/**
 * One table row per rule of spec/openclaw-compat.md §4 (access, mentions, pairing) and §5
 * (broadcast) that the §6 vectors (spec-access.test.ts, spec-routing.test.ts) leave out, run through
 * the public entry like the conformance suite.
 */
import { describe, expect, it } from "vitest";
import {
  buildMentionRegexes,
  createPairingStore,
  type DmGroupAccessInput,
  decideDmGroupAccess,
  isSenderAllowed,
  matchesMentionPatterns,
  PAIRING_CODE_ALPHABET,
  PAIRING_TTL_MS,
  resolveAgentRoute,
  resolveBroadcastRuns,
  resolveMentionGate,
} from "./index.js";

describe("§4.1 / §4.2 decideDmGroupAccess", () => {
  const dm = (extra: Partial<DmGroupAccessInput>) => ({ isGroup: false, senderId: "123", ...extra });
  const grp = (extra: Partial<DmGroupAccessInput>) => ({ isGroup: true, senderId: "123", ...extra });
  it.each<[string, DmGroupAccessInput, "allow" | "block" | "pairing", string]>([
    ["dmPolicy defaults to pairing", dm({}), "pairing", "dmPolicy=pairing (not allowlisted)"],
    [
      "store approvals merge under pairing",
      dm({ storeAllowFrom: ["123"] }),
      "allow",
      "dmPolicy=pairing (allowlisted)",
    ],
    ["store '*' is ignored", dm({ storeAllowFrom: ["*"] }), "pairing", "dmPolicy=pairing (not allowlisted)"],
    [
      "store not merged under allowlist",
      dm({ dmPolicy: "allowlist", allowFrom: ["9"], storeAllowFrom: ["123"] }),
      "block",
      "dmPolicy=allowlist (not allowlisted)",
    ],
    [
      "store not merged under open",
      dm({ dmPolicy: "open", storeAllowFrom: ["123"] }),
      "block",
      "dmPolicy=open (empty allowlist)",
    ],
    [
      "entries trimmed and stringified",
      dm({ dmPolicy: "allowlist", allowFrom: [" 123 "], senderId: 123 }),
      "allow",
      "dmPolicy=allowlist (allowlisted)",
    ],
    [
      "numeric entries",
      dm({ dmPolicy: "allowlist", allowFrom: [123] }),
      "allow",
      "dmPolicy=allowlist (allowlisted)",
    ],
    [
      "disabled blocks even a listed sender",
      dm({ dmPolicy: "disabled", allowFrom: ["*", "123"] }),
      "block",
      "dmPolicy=disabled",
    ],
    ["open with '*'", dm({ dmPolicy: "open", allowFrom: ["*"] }), "allow", "dmPolicy=open"],
    [
      "open admits a listed sender",
      dm({ dmPolicy: "open", allowFrom: ["123"] }),
      "allow",
      "dmPolicy=open (allowlisted)",
    ],
    [
      "open without '*' or the sender blocks",
      dm({ dmPolicy: "open", allowFrom: ["9"] }),
      "block",
      "dmPolicy=open (not allowlisted)",
    ],
    [
      "pairing + '*' admits everyone (#136082)",
      dm({ allowFrom: ["*"], senderId: "x" }),
      "allow",
      "dmPolicy=pairing (allowlisted)",
    ],
    [
      "allowlist, not listed",
      dm({ dmPolicy: "allowlist", allowFrom: ["9"] }),
      "block",
      "dmPolicy=allowlist (not allowlisted)",
    ],
    ["groupPolicy defaults to allowlist", grp({}), "block", "groupPolicy=allowlist (empty allowlist)"],
    [
      "unknown groupPolicy is allowlist",
      grp({ groupPolicy: "sometimes", allowFrom: ["123"] }),
      "allow",
      "groupPolicy=allowlist (allowlisted)",
    ],
    [
      "group disabled blocks even '*'",
      grp({ groupPolicy: "disabled", groupAllowFrom: ["*"] }),
      "block",
      "groupPolicy=disabled",
    ],
    ["group open admits without a list", grp({ groupPolicy: "open" }), "allow", "groupPolicy=open"],
    [
      "groupAllowFrom wins when non-empty",
      grp({ allowFrom: ["123"], groupAllowFrom: ["9"] }),
      "block",
      "groupPolicy=allowlist (not allowlisted)",
    ],
    [
      "empty groupAllowFrom falls back to allowFrom",
      grp({ allowFrom: ["123"], groupAllowFrom: [] }),
      "allow",
      "groupPolicy=allowlist (allowlisted)",
    ],
    [
      "groups never use the pairing store",
      grp({ storeAllowFrom: ["123"] }),
      "block",
      "groupPolicy=allowlist (empty allowlist)",
    ],
    ["group '*'", grp({ groupAllowFrom: ["*"] }), "allow", "groupPolicy=allowlist (allowlisted)"],
    [
      "channel normalisation applies to lists",
      dm({
        channel: "whatsapp",
        dmPolicy: "allowlist",
        allowFrom: ["+1 (555) 123-4567"],
        senderId: "whatsapp:+15551234567",
      }),
      "allow",
      "dmPolicy=allowlist (allowlisted)",
    ],
    [
      "no channel: exact match",
      dm({ dmPolicy: "allowlist", allowFrom: ["U1"], senderId: "u1" }),
      "block",
      "dmPolicy=allowlist (not allowlisted)",
    ],
    [
      "telegram @username entries are ignored",
      dm({ channel: "telegram", dmPolicy: "allowlist", allowFrom: ["@alice"], senderId: "@alice" }),
      "block",
      "dmPolicy=allowlist (not allowlisted)",
    ],
  ])("%s", (_name, input, decision, reason) => {
    expect(decideDmGroupAccess(input)).toMatchObject({ decision, reason });
  });
});

describe("§4.5 isSenderAllowed", () => {
  it.each<[string, string | undefined, unknown[], unknown, boolean]>([
    ["whatsapp formatting", "whatsapp", ["+1 (555) 123-4567"], "+15551234567", true],
    ["whatsapp prefix and missing +", "WhatsApp", ["whatsapp:15551234567"], "+15551234567", true],
    ["whatsapp different number", "whatsapp", ["+15551234567"], "+15551234568", false],
    ["telegram tg: prefix", "telegram", ["tg:123"], "123", true],
    ["telegram TELEGRAM: prefix, numeric sender", "telegram", ["TELEGRAM:123"], 123, true],
    ["telegram @username never matches", "telegram", ["@alice"], "alice", false],
    ["discord: prefix", "discord", ["discord:111"], "111", true],
    ["slack case-insensitive", "slack", ["u0abc"], "U0ABC", true],
    ["slack: and user: forms", "slack", ["slack:U1", "user:U2"], "U2", true],
    ["slack team:<T>:user:<U>", "slack", ["team:T1:user:U7"], "u7", true],
    ["unknown channel is exact", "signal", ["AbC"], "abc", false],
    ["'*' admits everyone", "telegram", ["*"], "anyone", true],
    ["empty list admits nobody", "slack", [], "U1", false],
  ])("%s", (_name, channel, allowFrom, senderId, allowed) => {
    expect(isSenderAllowed({ channel, allowFrom, senderId })).toBe(allowed);
  });

  it("matches Discord/Slack names only with dangerouslyAllowNameMatching", () => {
    for (const channel of ["discord", "slack"]) {
      const input = { channel, allowFrom: ["Alice"], senderId: "999", senderName: "alice" };
      expect(isSenderAllowed(input)).toBe(false);
      expect(isSenderAllowed({ ...input, dangerouslyAllowNameMatching: true })).toBe(true);
    }
    expect(
      isSenderAllowed({
        channel: "telegram",
        allowFrom: ["alice"],
        senderId: "1",
        senderName: "alice",
        dangerouslyAllowNameMatching: true,
      }),
    ).toBe(false);
  });
});

describe("§4.6 mention gate", () => {
  const flags = [false, true];
  const combos = flags.flatMap((requireMention) =>
    flags.flatMap((canDetectMention) =>
      flags.flatMap((wasMentioned) =>
        flags.flatMap((implicitMention) =>
          flags.map((shouldBypassMention) => ({
            requireMention,
            canDetectMention,
            wasMentioned,
            implicitMention,
            shouldBypassMention,
          })),
        ),
      ),
    ),
  );
  it.each(combos)("%o", (input) => {
    const mentioned = input.wasMentioned || input.implicitMention || input.shouldBypassMention;
    expect(resolveMentionGate(input)).toEqual({
      skip: input.requireMention && input.canDetectMention && !mentioned,
      effectiveWasMentioned: mentioned,
    });
  });
});

describe("§4.6 mention pattern sources", () => {
  const agent = (extra: Record<string, unknown>) => ({
    id: "bot",
    identity: { name: "Sir Bot", emoji: "🦞" },
    ...extra,
  });
  const matches = (cfg: unknown, text: string) =>
    matchesMentionPatterns(text, buildMentionRegexes(cfg, "BOT"));
  it.each<[string, unknown, string, boolean]>([
    [
      "agent patterns win",
      {
        agents: { list: [agent({ groupChat: { mentionPatterns: ["^hey"] } })] },
        messages: { groupChat: { mentionPatterns: ["global"] } },
      },
      "Hey you",
      true,
    ],
    [
      "agent patterns shadow global",
      {
        agents: { list: [agent({ groupChat: { mentionPatterns: ["^hey"] } })] },
        messages: { groupChat: { mentionPatterns: ["global"] } },
      },
      "global",
      false,
    ],
    [
      "agent [] is present: nothing matches",
      {
        agents: { list: [agent({ groupChat: { mentionPatterns: [] } })] },
        messages: { groupChat: { mentionPatterns: ["global"] } },
      },
      "global sir bot",
      false,
    ],
    [
      "agent null is present too",
      {
        agents: { list: [agent({ groupChat: { mentionPatterns: null } })] },
        messages: { groupChat: { mentionPatterns: ["global"] } },
      },
      "global sir bot",
      false,
    ],
    [
      "global next",
      { agents: { list: [agent({})] }, messages: { groupChat: { mentionPatterns: ["global"] } } },
      "GLOBAL",
      true,
    ],
    [
      "global [] is present",
      { agents: { list: [agent({})] }, messages: { groupChat: { mentionPatterns: [] } } },
      "sir bot",
      false,
    ],
    ["identity name, flexible whitespace", { agents: { list: [agent({})] } }, "hey SIR \t bot!", true],
    ["identity name with @", { agents: { list: [agent({})] } }, "@sir bot please", true],
    ["identity name needs word boundaries", { agents: { list: [agent({})] } }, "sir bottle", false],
    ["identity emoji", { agents: { list: [agent({})] } }, "look 🦞", true],
    [
      "zero-width characters stripped from text",
      { agents: { list: [agent({})] } },
      "s\u200bir b\u200dot",
      true,
    ],
    ["invalid patterns ignored", { messages: { groupChat: { mentionPatterns: ["(", "ok"] } } }, "ok", true],
    ["unsafe patterns ignored", { messages: { groupChat: { mentionPatterns: ["(a+)+$"] } } }, "aaaa", false],
    [
      "literal backspace is \\b",
      { messages: { groupChat: { mentionPatterns: ["\bbot\b"] } } },
      "hi bot",
      true,
    ],
    [
      "literal backspace keeps the boundary",
      { messages: { groupChat: { mentionPatterns: ["\bbot\b"] } } },
      "robots",
      false,
    ],
  ])("%s", (_name, cfg, text, expected) => {
    expect(matches(cfg, text)).toBe(expected);
  });
});

describe("§4.4 pairing store", () => {
  const setup = () => {
    let clock = 1_000_000;
    const store = createPairingStore({ now: () => clock });
    const tick = (ms: number) => {
      clock += ms;
    };
    return { store, tick, at: () => clock };
  };
  const req = (senderId: string, accountId?: string) => ({ channel: "telegram", accountId, senderId });

  it("issues 8-character codes from the alphabet, unique among pending", () => {
    const { store } = setup();
    const codes = ["1", "2", "3"].map((id) => store.upsertRequest(req(id)).code);
    for (const code of codes) expect(code).toMatch(new RegExp(`^[${PAIRING_CODE_ALPHABET}]{8}$`));
    expect(new Set(codes).size).toBe(3);
  });

  it("a repeat keeps code and createdAt, bumps lastSeenAt, created=false", () => {
    const { store, tick, at } = setup();
    const first = store.upsertRequest({ ...req("1"), meta: { name: "Ann" } });
    const createdAt = at();
    tick(5000);
    expect(store.upsertRequest(req("1"))).toEqual({ code: first.code, created: false });
    expect(store.list({ channel: "telegram" })).toEqual([
      {
        code: first.code,
        channel: "telegram",
        accountId: "default",
        senderId: "1",
        createdAt,
        lastSeenAt: createdAt + 5000,
        meta: { name: "Ann" },
      },
    ]);
  });

  it("caps 3 pending per channel account; a 4th sender gets no code", () => {
    const { store } = setup();
    for (const id of ["1", "2", "3"]) expect(store.upsertRequest(req(id)).created).toBe(true);
    expect(store.upsertRequest(req("4"))).toEqual({ code: "", created: false });
    expect(store.upsertRequest(req("4", "biz")).created).toBe(true);
    expect(store.list({ channel: "telegram", accountId: "default" })).toHaveLength(3);
    expect(store.list({ channel: "telegram" })).toHaveLength(4);
  });

  it("expires requests an hour after createdAt, even when seen again", () => {
    const { store, tick } = setup();
    const { code } = store.upsertRequest(req("1"));
    tick(PAIRING_TTL_MS - 1000);
    store.upsertRequest(req("1"));
    expect(store.list({ channel: "telegram" })).toHaveLength(1);
    tick(2000);
    expect(store.list({ channel: "telegram" })).toEqual([]);
    expect(store.approve({ channel: "telegram", code })).toBeNull();
  });

  it("approves case-insensitively, scoped to the account when given", () => {
    const { store } = setup();
    const { code } = store.upsertRequest(req("42", "biz"));
    expect(store.approve({ channel: "telegram", code, accountId: "other" })).toBeNull();
    expect(store.approve({ channel: "Telegram", code: ` ${code.toLowerCase()} ` })).toEqual({
      channel: "telegram",
      accountId: "biz",
      senderId: "42",
    });
    expect(store.approve({ channel: "telegram", code })).toBeNull();
    expect(store.list({ channel: "telegram" })).toEqual([]);
    expect(store.approve({ channel: "telegram", code: "ZZZZZZZZ" })).toBeNull();
  });
});

describe("§5 broadcast", () => {
  const jid = "120363AbC@g.us";
  const runsFor = (cfg: unknown, channel: string, peer: { kind: string; id: string }, accountId?: string) => {
    const route = resolveAgentRoute({ cfg, channel, accountId, peer });
    return { route, result: resolveBroadcastRuns({ cfg, route, channel, peer }) };
  };
  const ordinary = (route: { agentId: string; sessionKey: string; mainSessionKey: string }) => [
    { agentId: route.agentId, sessionKey: route.sessionKey, mainSessionKey: route.mainSessionKey },
  ];

  it("fans a group out to each agent's group key, list order kept", () => {
    const cfg = { broadcast: { [jid]: ["B", "a"] } };
    expect(runsFor(cfg, "whatsapp", { kind: "group", id: jid }).result).toEqual({
      runs: [
        { agentId: "b", sessionKey: "agent:b:whatsapp:group:120363abc@g.us", mainSessionKey: "agent:b:main" },
        { agentId: "a", sessionKey: "agent:a:whatsapp:group:120363abc@g.us", mainSessionKey: "agent:a:main" },
      ],
      warnings: [],
    });
  });

  it("keys DMs under dmScope with the route's account", () => {
    const cfg = { session: { dmScope: "per-account-channel-peer" }, broadcast: { "+1": ["a"] } };
    expect(runsFor(cfg, "whatsapp", { kind: "direct", id: "+1" }, "Biz").result.runs).toEqual([
      { agentId: "a", sessionKey: "agent:a:whatsapp:biz:direct:+1", mainSessionKey: "agent:a:main" },
    ]);
  });

  it.each<[string, unknown, string, string]>([
    ["other channels ignore broadcast", { broadcast: { g1: ["a", "b"] } }, "telegram", "g1"],
    ["no entry for the peer", { broadcast: { g2: ["a"] } }, "whatsapp", "g1"],
    ["empty list", { broadcast: { g1: [] } }, "whatsapp", "g1"],
    ["'strategy' is never a peer", { broadcast: { strategy: "sequential" } }, "whatsapp", "strategy"],
    ["no broadcast section", {}, "whatsapp", "g1"],
  ])("%s → the ordinary route", (_name, cfg, channel, id) => {
    const { route, result } = runsFor(cfg, channel, { kind: "group", id });
    expect(result).toEqual({ runs: ordinary(route), warnings: [] });
  });

  it("skips unlisted agents with a warning naming the normalised id", () => {
    const cfg = { agents: { list: [{ id: "alfred" }] }, broadcast: { g1: ["Ghost Agent", "ALFRED"] } };
    expect(runsFor(cfg, "whatsapp", { kind: "group", id: "g1" }).result).toEqual({
      runs: [
        {
          agentId: "alfred",
          sessionKey: "agent:alfred:whatsapp:group:g1",
          mainSessionKey: "agent:alfred:main",
        },
      ],
      warnings: ["Broadcast agent ghost-agent not found in agents.list; skipping"],
    });
  });

  it("runs the ordinary route, with the warnings, when every agent is skipped", () => {
    const cfg = { agents: { list: [{ id: "alfred" }] }, broadcast: { g1: ["x"] } };
    const { route, result } = runsFor(cfg, "whatsapp", { kind: "group", id: "g1" });
    expect(result).toEqual({
      runs: ordinary(route),
      warnings: ["Broadcast agent x not found in agents.list; skipping"],
    });
  });
});
