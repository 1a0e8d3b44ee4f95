import { describe, expect, it } from "vitest";
import { ConfigError, type ConfigIssue } from "../errors.js";
import { validateConfig } from "./parse.js";

function errorsOf(value: unknown): ConfigIssue[] {
  try {
    validateConfig(value);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  return [];
}

const warningsOf = (value: unknown): ConfigIssue[] => validateConfig(value).warnings;
const paths = (issues: ConfigIssue[]): string[] => issues.map((issue) => issue.path);

describe("agents", () => {
  it("rejects duplicate agent ids after normalisation", () => {
    const issues = errorsOf({ agents: { list: [{ id: "Work" }, { id: "home" }, { id: " work " }] } });
    expect(issues).toEqual([
      expect.objectContaining({
        path: "agents.list[2].id",
        message: expect.stringContaining("agents.list[0]"),
      }),
    ]);
  });

  it("warns when several agents are marked default", () => {
    const warnings = warningsOf({
      agents: { list: [{ id: "a" }, { id: "b", default: true }, { id: "c", default: true }] },
    });
    expect(warnings).toEqual([
      expect.objectContaining({
        path: "agents.list[2].default",
        message: expect.stringContaining(
          "Multiple agents marked default=true; using the first entry as default",
        ),
      }),
    ]);
  });

  it("rejects an agentDir shared by two agents, including one that equals another's default", () => {
    const explicit = errorsOf({
      agents: {
        list: [
          { id: "a", agentDir: "/x/agent" },
          { id: "b", agentDir: "/x/agent/" },
        ],
      },
    });
    expect(paths(explicit)).toEqual(["agents.list[1].agentDir"]);
    const againstDefault = errorsOf({
      agents: { list: [{ id: "a", agentDir: "~/.patchbay/agents/b/agent" }, { id: "b" }] },
    });
    expect(paths(againstDefault)).toEqual(["agents.list[1]"]);
    expect(againstDefault[0]?.message).toContain('shared with agent "a"');
  });

  it("warns that a session.mainKey other than main is replaced", () => {
    expect(paths(warningsOf({ session: { mainKey: "work" } }))).toEqual(["session.mainKey"]);
    expect(warningsOf({ session: { mainKey: "main" } })).toEqual([]);
  });
});

describe("bindings", () => {
  const agents = { list: [{ id: "home" }, { id: "work" }] };

  it("rejects a binding naming an agent not in agents.list, with a suggestion", () => {
    const issues = errorsOf({
      agents,
      bindings: [
        { agentId: "home", match: { channel: "telegram" } },
        { agentId: "HOME", match: { channel: "telegram", accountId: "x" } },
        { agentId: "wrok", match: { channel: "telegram", accountId: "y" } },
      ],
    });
    expect(issues).toEqual([expect.objectContaining({ path: "bindings[2].agentId", didYouMean: "work" })]);
  });

  it("accepts any agent id when agents.list is empty", () => {
    expect(errorsOf({ bindings: [{ agentId: "anything", match: { channel: "telegram" } }] })).toEqual([]);
  });

  it("warns about a binding without accountId on a channel with no default account", () => {
    const warnings = warningsOf({
      agents,
      channels: { telegram: { accounts: { alerts: { botToken: "x" }, ops: { botToken: "y" } } } },
      bindings: [{ agentId: "work", match: { channel: "telegram" } }],
    });
    expect(warnings).toEqual([
      expect.objectContaining({
        path: "bindings[0].match.accountId",
        message: expect.stringContaining("matches only the account named default"),
        didYouMean: "*",
      }),
    ]);
    expect(warnings[0]?.message).toContain('did you mean accountId: "*"?');
  });

  it("does not warn when the default account exists (explicit or implicit)", () => {
    const binding = { agentId: "work", match: { channel: "telegram" } };
    expect(warningsOf({ agents, channels: { telegram: { botToken: "x" } }, bindings: [binding] })).toEqual(
      [],
    );
    expect(
      warningsOf({
        agents,
        channels: { telegram: { accounts: { Default: {}, ops: {} } } },
        bindings: [binding],
      }),
    ).toEqual([]);
  });

  it("warns about a binding shadowed by an earlier one in the same tier", () => {
    const warnings = warningsOf({
      agents,
      bindings: [
        {
          agentId: "home",
          match: { channel: "discord", accountId: "*", peer: { kind: "channel", id: "42" } },
        },
        {
          agentId: "work",
          match: { channel: "Discord", accountId: "bot2", peer: { kind: "group", id: "42" } },
        },
        { agentId: "work", match: { channel: "discord", accountId: "*" } },
        { agentId: "home", match: { channel: "discord", accountId: "*" } },
        { agentId: "home", match: { channel: "discord", guildId: "g", roles: ["r1", "r2"] } },
        { agentId: "work", match: { channel: "discord", guildId: "g", roles: ["r2"] } },
        { agentId: "work", match: { channel: "discord", guildId: "g", roles: ["r3"] } },
      ],
    });
    expect(warnings.map((w) => [w.path, w.message.match(/bindings\[\d+\]/)?.[0]])).toEqual([
      ["bindings[1]", "bindings[0]"],
      ["bindings[3]", "bindings[2]"],
      ["bindings[5]", "bindings[4]"],
    ]);
  });

  it("does not call a binding shadowed across tiers or by a narrower one", () => {
    const warnings = warningsOf({
      agents,
      bindings: [
        { agentId: "home", match: { channel: "slack", accountId: "a" } },
        { agentId: "work", match: { channel: "slack", accountId: "*" } },
        { agentId: "work", match: { channel: "slack", accountId: "a", peer: { kind: "direct", id: "U1" } } },
        { agentId: "home", match: { channel: "slack", accountId: "b", peer: { kind: "direct", id: "U1" } } },
        { agentId: "home", match: { channel: "slack", accountId: "a", peer: { kind: "direct", id: "u1" } } },
      ],
    });
    expect(warnings).toEqual([]);
  });

  it("warns about broadcast agents missing from agents.list", () => {
    const warnings = warningsOf({
      agents,
      broadcast: { strategy: "parallel", "123@g.us": ["home", "ghost"] },
    });
    expect(warnings).toEqual([
      expect.objectContaining({
        path: 'broadcast["123@g.us"][1]',
        message: expect.stringContaining("ghost"),
      }),
    ]);
  });
});

describe("channel access", () => {
  it('rejects dmPolicy "open" without "*" at channel and account level', () => {
    const issues = errorsOf({
      channels: {
        telegram: {
          dmPolicy: "open",
          allowFrom: ["1"],
          accounts: { default: {}, biz: { dmPolicy: "open", allowFrom: ["2"] } },
        },
        discord: { dm: { policy: "open", allowFrom: ["3"] } },
        slack: { dmPolicy: "open", allowFrom: ["*"], accounts: { eu: { allowFrom: ["U1"] } } },
      },
    });
    expect(paths(issues)).toEqual([
      "channels.telegram.allowFrom",
      "channels.telegram.accounts.biz.allowFrom",
      "channels.discord.dm.allowFrom",
      "channels.slack.accounts.eu.allowFrom",
    ]);
  });

  it('rejects an inherited "open" on an account whose own dmPolicy lacks "*"', () => {
    const issues = errorsOf({
      channels: { whatsapp: { allowFrom: ["+1555"], accounts: { biz: { dmPolicy: "open" } } } },
    });
    expect(paths(issues)).toEqual(["channels.whatsapp.accounts.biz.dmPolicy"]);
  });

  it('rejects dmPolicy "allowlist" with an empty allowFrom on Telegram, warns elsewhere', () => {
    const config = {
      channels: {
        telegram: {
          dmPolicy: "allowlist",
          allowFrom: [],
          accounts: { default: {}, biz: { dmPolicy: "allowlist", allowFrom: [" "] } },
        },
      },
    };
    expect(paths(errorsOf(config))).toEqual([
      "channels.telegram.allowFrom",
      "channels.telegram.accounts.biz.allowFrom",
    ]);
    expect(paths(warningsOf({ channels: { discord: { dmPolicy: "allowlist" } } }))).toEqual([
      "channels.discord.allowFrom",
    ]);
  });

  it('warns that pairing is bypassed by "*" and names the accounts that inherit it (#136082)', () => {
    const warnings = warningsOf({
      channels: {
        telegram: {
          allowFrom: ["*"],
          accounts: {
            default: {},
            biz: {},
            locked: { allowFrom: ["123"] },
            strict: { dmPolicy: "allowlist", allowFrom: ["1"] },
            off: { enabled: false },
          },
        },
      },
    });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.path).toBe("channels.telegram.allowFrom");
    expect(warnings[0]?.message).toContain("Inherited by account(s): default, biz.");
  });

  it('warns about an account\'s own "*" under pairing, but not under open', () => {
    const warnings = warningsOf({
      channels: {
        slack: {
          accounts: {
            a: { dmPolicy: "pairing", allowFrom: ["*"] },
            b: { dmPolicy: "open", allowFrom: ["*"] },
          },
        },
      },
    });
    expect(paths(warnings)).toEqual(["channels.slack.accounts.a.allowFrom"]);
  });

  it("warns about each non-numeric Telegram allowFrom entry", () => {
    const warnings = warningsOf({
      channels: {
        telegram: {
          allowFrom: ["123", "@alice", "tg:456", "telegram:-100", "*"],
          groups: { "-1001": { allowFrom: ["bob"], topics: { "7": { allowFrom: ["carol", 5] } } } },
          accounts: { default: {}, biz: { groupAllowFrom: ["@dave"] } },
        },
      },
    });
    const idWarnings = warnings.filter((w) => w.message.includes("not a numeric user id"));
    expect(paths(idWarnings)).toEqual([
      "channels.telegram.allowFrom[1]",
      "channels.telegram.groups.-1001.allowFrom[0]",
      "channels.telegram.groups.-1001.topics.7.allowFrom[0]",
      "channels.telegram.accounts.biz.groupAllowFrom[0]",
    ]);
  });

  it("warns that channel-level credentials go unused when no default account exists", () => {
    const warnings = warningsOf({ channels: { discord: { token: "t", accounts: { a: { token: "a" } } } } });
    expect(paths(warnings)).toEqual(["channels.discord.token"]);
    expect(warningsOf({ channels: { discord: { token: "t", accounts: { default: {}, a: {} } } } })).toEqual(
      [],
    );
  });

  it("warns about an unknown channel name with a suggestion, and rejects clashing account keys", () => {
    const warnings = warningsOf({ channels: { telgram: { enabled: true } } });
    expect(warnings).toEqual([expect.objectContaining({ path: "channels.telgram", didYouMean: "telegram" })]);
    const issues = errorsOf({ channels: { discord: { accounts: { Biz: {}, biz: {} } } } });
    expect(paths(issues)).toEqual(["channels.discord.accounts.biz"]);
  });
});
