import { readFileSync } from "node:fs";
import JSON5 from "json5";
import { describe, expect, it } from "vitest";
import { ConfigError, type ConfigIssue } from "../errors.js";
import { parseConfig, validateConfig } from "./parse.js";

const fixture = readFileSync(new URL("./fixtures/openclaw-multi-agent.json5", import.meta.url), "utf8");

function issuesOf(run: () => unknown): ConfigIssue[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("parseConfig: valid configs", () => {
  it("loads the realistic multi-agent openclaw.json unchanged and without warnings", () => {
    const { config, warnings } = parseConfig(fixture);
    expect(warnings).toEqual([]);
    expect(config).toEqual(JSON5.parse(fixture));
    expect(config.agents?.list?.map((a) => a.id)).toEqual(["home", "work", "family", "ops"]);
    expect(config.channels?.telegram?.groups?.["-1001234567890"]?.topics?.["42"]?.agentId).toBe("work");
  });

  it("accepts JSON5 comments, trailing commas, unquoted keys and single quotes", () => {
    const text = `{
      // a comment
      agents: { list: [ { id: 'main', }, ], },
      /* block */ gateway: { port: 19000, },
    }`;
    const { config } = parseConfig(text);
    expect(config.gateway?.port).toBe(19000);
  });

  it("accepts an empty object", () => {
    expect(parseConfig("{}")).toEqual({ config: {}, warnings: [] });
  });

  it("accepts OpenClaw's own runtime shapes next to Patchbay's", () => {
    const { config } = validateConfig({
      agents: {
        list: [
          { id: "a", runtime: { type: "embedded" } },
          { id: "b", runtime: { type: "acp", acp: { agent: "codex", mode: "persistent" } } },
        ],
      },
    });
    expect(config.agents?.list?.[1]?.runtime).toEqual({
      type: "acp",
      acp: { agent: "codex", mode: "persistent" },
    });
  });

  it("accepts an ACP binding and OpenClaw's gateway keys", () => {
    expect(() =>
      validateConfig({
        bindings: [
          {
            type: "acp",
            agentId: "main",
            match: { channel: "discord", peer: { kind: "channel", id: "1" } },
            acp: { mode: "oneshot" },
          },
        ],
        gateway: { port: 18789, bind: "lan", auth: { mode: "token" }, reload: { mode: "hybrid" } },
      }),
    ).not.toThrow();
  });

  it("lets plugin channels through loosely, with their access keys typed", () => {
    const { config } = validateConfig({
      channels: { matrix: { dmPolicy: "pairing", homeserver: "https://m.org" } },
    });
    expect(config.channels?.matrix?.homeserver).toBe("https://m.org");
    const issues = issuesOf(() => validateConfig({ channels: { matrix: { dmPolicy: "sometimes" } } }));
    expect(issues[0]?.path).toBe("channels.matrix.dmPolicy");
  });
});

describe("parseConfig: shape errors", () => {
  it("reports an unknown key at account level with the allowed keys and a suggestion", () => {
    const issues = issuesOf(() =>
      parseConfig(`{ channels: { telegram: { accounts: { biz: { dmPolicyy: "open" } } } } }`),
    );
    expect(issues).toHaveLength(1);
    const [issue] = issues;
    expect(issue?.path).toBe("channels.telegram.accounts.biz.dmPolicyy");
    expect(issue?.didYouMean).toBe("dmPolicy");
    expect(issue?.allowedKeys).toContain("allowFrom");
    expect(issue?.allowedKeys).toContain("apiRoot");
    expect(issue?.message).toContain('Did you mean "dmPolicy"?');
  });

  it("reports an unknown top-level section and an unknown key inside a binding", () => {
    const issues = issuesOf(() =>
      validateConfig({ bindngs: [], bindings: [{ agentId: "a", match: { channel: "x", acountId: "b" } }] }),
    );
    expect(issues.map((i) => [i.path, i.didYouMean]).sort()).toEqual([
      ["bindings[0].match.acountId", "accountId"],
      ["bindngs", "bindings"],
    ]);
  });

  it("is strict in the loosely-valued OpenClaw subtrees too (keys, not values)", () => {
    const issues = issuesOf(() => validateConfig({ agents: { defaults: { compactoin: {} } } }));
    expect(issues[0]).toMatchObject({ path: "agents.defaults.compactoin", didYouMean: "compaction" });
  });

  it("gives no suggestion when nothing is close", () => {
    const issues = issuesOf(() => validateConfig({ session: { zzzzzzzz: 1 } }));
    expect(issues[0]?.didYouMean).toBeUndefined();
    expect(issues[0]?.allowedKeys).toContain("dmScope");
  });

  it("suggests the closest enum value for a bad value", () => {
    const issues = issuesOf(() =>
      validateConfig({ channels: { discord: { accounts: { a: { dmPolicy: "pairng" } } } } }),
    );
    expect(issues).toEqual([
      expect.objectContaining({ path: "channels.discord.accounts.a.dmPolicy", didYouMean: "pairing" }),
    ]);
  });

  it("reports a bad runtime type and unknown keys inside a SecretRef", () => {
    const issues = issuesOf(() =>
      validateConfig({
        agents: {
          list: [
            { id: "a", runtime: { type: "opnai" } },
            {
              id: "b",
              runtime: {
                type: "openai",
                baseUrl: "http://x",
                apiKey: { source: "env", id: "K", provder: "d" },
              },
            },
          ],
        },
      }),
    );
    expect(issues.map((i) => i.path)).toEqual([
      "agents.list[0].runtime.type",
      "agents.list[1].runtime.apiKey.provder",
    ]);
    expect(issues[0]?.didYouMean).toBe("openai");
  });

  it("names a missing required key", () => {
    const issues = issuesOf(() => validateConfig({ bindings: [{ agentId: "a", match: {} }] }));
    expect(issues).toEqual([
      { path: "bindings[0].match.channel", message: expect.stringMatching(/Missing required key/) },
    ]);
  });

  it("rejects an unknown peer kind", () => {
    const issues = issuesOf(() =>
      validateConfig({
        bindings: [{ agentId: "a", match: { channel: "telegram", peer: { kind: "room", id: "1" } } }],
      }),
    );
    expect(issues[0]?.path).toBe("bindings[0].match.peer.kind");
  });

  it("quotes path segments that are not plain words", () => {
    const issues = issuesOf(() =>
      validateConfig({ channels: { slack: { channels: { "my channel": { alow: true } } } } }),
    );
    expect(issues[0]?.path).toBe('channels.slack.channels["my channel"].alow');
  });

  it("turns a JSON5 syntax error into an issue with line and column", () => {
    const issues = issuesOf(() => parseConfig("{\n  agents: {\n    list: [,]\n  }\n}"));
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe("");
    expect(issues[0]?.message).toMatch(/line 3, column 12/);
  });

  it("rejects a root that is not an object", () => {
    expect(issuesOf(() => parseConfig("[1, 2]"))[0]?.message).toMatch(/must be a JSON5 object/);
  });
});
