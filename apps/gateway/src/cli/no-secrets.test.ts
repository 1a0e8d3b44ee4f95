import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliSandbox, createCliSandbox } from "./cli-test-io.js";

// channels status against a running gateway with literal tokens is covered in
// commands/channels-status.test.ts (every test there asserts no token is printed).
const SECRETS = [
  "111:TG-SECRET-DEFAULT",
  "222:TG-SECRET-ALPHA",
  "DISCORD-SECRET-TOKEN",
  "xoxb-SLACK-SECRET-BOT",
  "xapp-SLACK-SECRET-APP",
  "SLACK-SIGNING-SECRET",
  "sk-ENV-VAR-SECRET",
];

const VALID = {
  env: { vars: { OPENAI_API_KEY: "sk-ENV-VAR-SECRET" } },
  agents: { list: [{ id: "main", default: true }, { id: "work" }] },
  bindings: [
    { agentId: "work", match: { channel: "telegram", accountId: "alpha" } },
    // A warning (no accountId on a channel without a default account) next to secrets.
    { agentId: "work", match: { channel: "slack" } },
  ],
  channels: {
    telegram: { botToken: "111:TG-SECRET-DEFAULT", accounts: { alpha: { botToken: "222:TG-SECRET-ALPHA" } } },
    discord: { token: "DISCORD-SECRET-TOKEN" },
    slack: {
      accounts: {
        acme: {
          mode: "http",
          botToken: "xoxb-SLACK-SECRET-BOT",
          appToken: "xapp-SLACK-SECRET-APP",
          signingSecret: "SLACK-SIGNING-SECRET",
        },
      },
    },
  },
};

describe("no command prints a secret from the config", () => {
  let box: CliSandbox;
  beforeAll(async () => {
    box = await createCliSandbox();
  });
  afterAll(() => box.dispose());

  const expectClean = (text: string) => {
    expect(text.length).toBeGreaterThan(0);
    for (const secret of SECRETS) expect(text).not.toContain(secret);
  };

  it("config validate on a valid config with warnings, human and JSON", async () => {
    await box.writeConfig(VALID);
    for (const argv of [
      ["config", "validate"],
      ["config", "validate", "--json"],
    ]) {
      const run = await box.run(argv);
      expect(run.code).toBe(0);
      expect(run.all).toMatch(/bindings\[1\]\.match\.accountId/);
      expectClean(run.all);
    }
  });

  it("config validate on invalid configs whose errors sit next to (or on) the secrets", async () => {
    const broken = [
      { channels: { telegram: { botToken: "111:TG-SECRET-DEFAULT", dmPolicy: "opne" } } },
      { channels: { slack: { botTokn: "xoxb-SLACK-SECRET-BOT" } } },
      { channels: { telegram: { botToken: ["222:TG-SECRET-ALPHA"] } } },
      { channels: { discord: { token: { source: "env", id: "T", value: "DISCORD-SECRET-TOKEN" } } } },
    ];
    for (const config of broken) {
      await box.writeConfig(config);
      for (const argv of [
        ["config", "validate"],
        ["config", "validate", "--json"],
      ]) {
        const run = await box.run(argv);
        expect(run.code, JSON.stringify(config)).toBe(1);
        expectClean(run.all);
      }
    }
  });

  it("agents list, route explain, pairing list and agents add", async () => {
    await box.writeConfig(VALID);
    const runs = [
      ["agents", "list", "--bindings"],
      ["agents", "list", "--bindings", "--json"],
      ["route", "explain", "--channel", "telegram", "--account", "alpha", "--peer", "direct:1"],
      ["route", "explain", "--channel", "slack", "--account", "acme", "--peer", "channel:C1", "--json"],
      ["pairing", "list", "--json"],
      ["agents", "add", "helper", "--json"],
      ["agents", "add", "helper2"],
    ];
    for (const argv of runs) {
      const run = await box.run(argv);
      expect(run.code, argv.join(" ")).toBe(0);
      expectClean(run.all);
    }
  });
});
