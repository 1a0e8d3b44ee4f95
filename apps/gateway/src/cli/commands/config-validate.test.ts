import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type CliSandbox, createCliSandbox } from "../cli-test-io.js";

interface ValidateJson {
  valid: boolean;
  path: string;
  errors: { path: string; message: string }[];
  warnings: { path: string; message: string }[];
}

describe("patchbay config validate", () => {
  let box: CliSandbox;
  beforeEach(async () => {
    box = await createCliSandbox();
  });
  afterEach(() => box.dispose());

  /** Loads, but with two things its author probably did not mean. */
  const withWarnings = {
    agents: {
      list: [
        { id: "home", default: true },
        { id: "work", default: true },
      ],
    },
    bindings: [{ agentId: "work", match: { channel: "telegram" } }],
    channels: { telegram: { accounts: { alpha: { botToken: "1:A" } } } },
  };

  it("exits 0 on a valid config and still prints its warnings as `path: message`", async () => {
    await box.writeConfig(withWarnings);
    const run = await box.run(["config", "validate"]);
    expect(run.code).toBe(0);
    expect(run.out[0]).toBe(`${box.configPath}: valid`);
    expect(run.out).toContain(
      "warning: agents.list[1].default: Multiple agents marked default=true; using the first entry as default (agents.list[0]).",
    );
    expect(
      run.out.some((line) =>
        line.startsWith("warning: bindings[0].match.accountId: Binding without accountId"),
      ),
    ).toBe(true);
    expect(run.err).toEqual([]);
  });

  it("gives { valid, errors, warnings } with --json", async () => {
    await box.writeConfig(withWarnings);
    const run = await box.run(["config", "validate", "--json"]);
    expect(run.code).toBe(0);
    const body = run.json<ValidateJson>();
    expect(body.valid).toBe(true);
    expect(body.path).toBe(box.configPath);
    expect(body.errors).toEqual([]);
    expect(body.warnings.map((w) => w.path)).toEqual([
      "agents.list[1].default",
      "bindings[0].match.accountId",
    ]);
    for (const warning of body.warnings) expect(Object.keys(warning).sort()).toEqual(["message", "path"]);
  });

  it("exits 1 on an invalid config with every issue on its own `path: message` line", async () => {
    await box.writeConfig({
      agents: { list: [{ id: "home" }, { id: "work" }] },
      bindings: [
        { agentId: "hom", match: { channel: "telegram" } },
        { agentId: "ghost", match: { channel: "discord" } },
      ],
    });
    const run = await box.run(["config", "validate"]);
    expect(run.code).toBe(1);
    expect(run.out).toEqual([]);
    expect(run.err[0]).toBe(`${box.configPath}: invalid`);
    expect(run.err[1]).toMatch(
      /^bindings\[0\]\.agentId: Agent "hom" is not in agents\.list .*did you mean "home"\?/,
    );
    expect(run.err[2]).toMatch(/^bindings\[1\]\.agentId: Agent "ghost" is not in agents\.list/);
    expect(run.err).toHaveLength(3);
  });

  it("gives the errors with their paths in --json, valid: false, exit 1", async () => {
    await box.writeConfig({
      agents: { list: [{ id: "home" }] },
      bindings: [{ agentId: "hom", match: { channel: "telegram" } }],
    });
    const run = await box.run(["config", "validate", "--json"]);
    expect(run.code).toBe(1);
    const body = run.json<ValidateJson>();
    expect(body.valid).toBe(false);
    expect(body.errors).toEqual([
      { path: "bindings[0].agentId", message: expect.stringContaining('Agent "hom"') },
    ]);
    expect(body.warnings).toEqual([]);
  });

  it("names an unknown key with a did-you-mean", async () => {
    await box.writeConfig({ channels: { telegram: { botTokn: "1:A" } } });
    const run = await box.run(["config", "validate", "--json"]);
    expect(run.code).toBe(1);
    expect(run.json<ValidateJson>().errors).toEqual([
      {
        path: "channels.telegram.botTokn",
        message: expect.stringMatching(/Unknown key "botTokn".*"botToken"/),
      },
    ]);
  });

  it("accepts JSON5 (comments, unquoted keys, trailing commas)", async () => {
    await box.writeConfig("// mine\n{\n  agents: { list: [ { id: 'home', }, ], },\n}\n");
    const run = await box.run(["config", "validate", "--json"]);
    expect(run.code).toBe(0);
    expect(run.json<ValidateJson>().valid).toBe(true);
  });

  it("reports invalid JSON5 with its line and column, exit 1", async () => {
    await box.writeConfig("{\n  agents: {\n    list: [ { id: 'a' } ]\n  },\n  bindings: [ oops ]\n}\n");
    const run = await box.run(["config", "validate"]);
    expect(run.code).toBe(1);
    expect(run.err[1]).toMatch(/^\(root\): JSON5 syntax error at line 5, column 15: invalid character 'o'/);
    const json = await box.run(["config", "validate", "--json"]);
    expect(json.code).toBe(1);
    expect(json.json<ValidateJson>().errors[0]?.message).toMatch(/line 5, column 15/);
  });

  it("reports a missing file clearly, exit 1, and --config wins over PATCHBAY_CONFIG_PATH", async () => {
    const missing = join(box.stateDir, "nope", "patchbay.json");
    await box.writeConfig({});
    const run = await box.run(["config", "validate", "--config", missing]);
    expect(run.code).toBe(1);
    expect(run.err.join("\n")).toContain(`config file not found: ${missing}`);
    const json = await box.run(["config", "validate", "--config", missing, "--json"]);
    expect(json.json<ValidateJson>()).toMatchObject({ valid: false, path: missing, errors: [{ path: "" }] });
  });

  it("rejects an unknown flag and a flag without its value with exit 2 and the usage", async () => {
    await box.writeConfig({});
    const unknown = await box.run(["config", "validate", "--strict"]);
    expect(unknown.code).toBe(2);
    expect(unknown.err.join("\n")).toBe(
      "Unknown option '--strict'.\nUsage: patchbay config validate [--config PATH] [--json]",
    );
    const noValue = await box.run(["config", "validate", "--config"]);
    expect(noValue.code).toBe(2);
    expect(noValue.err.join("\n")).toMatch(/--config <value>' argument missing/);
  });
});
