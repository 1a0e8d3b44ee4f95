import { existsSync } from "node:fs";
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import JSON5 from "json5";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type CliSandbox, createCliSandbox } from "../cli-test-io.js";

interface AddJson {
  id: string;
  workspace: string;
  agentDir: string;
  sessionsDir: string;
  config: string;
  backup: string | null;
  created: string[];
}

interface WrittenConfig {
  agents: { list: Record<string, unknown>[] };
  bindings?: unknown[];
}

describe("patchbay agents add", () => {
  let box: CliSandbox;
  beforeEach(async () => {
    box = await createCliSandbox();
  });
  afterEach(() => box.dispose());

  const readConfig = async () => JSON5.parse(await readFile(box.configPath, "utf8")) as WrittenConfig;
  const isDir = async (path: string) => (await stat(path)).isDirectory();

  it("creates the workspace with starter files, the agent and sessions dirs, and the config entry", async () => {
    const run = await box.run(["agents", "add", "Work Bot", "--json"]);
    expect(run.err).toEqual([]);
    expect(run.code).toBe(0);
    const body = run.json<AddJson>();
    expect(body).toMatchObject({
      id: "work-bot",
      workspace: join(box.stateDir, "workspace-work-bot"),
      agentDir: join(box.stateDir, "agents", "work-bot", "agent"),
      sessionsDir: join(box.stateDir, "agents", "work-bot", "sessions"),
      config: box.configPath,
      backup: null,
    });
    expect(body.created.sort()).toEqual(
      ["AGENTS.md", "SOUL.md", "USER.md"].map((f) => join(body.workspace, f)),
    );
    expect(await readFile(join(body.workspace, "SOUL.md"), "utf8")).toMatch(/^# Work Bot\n/);
    expect(await readFile(join(body.workspace, "AGENTS.md"), "utf8")).toMatch(/^# How Work Bot works\n/);
    expect(await readFile(join(body.workspace, "USER.md"), "utf8")).toMatch(/^# About the user\n/);
    expect(await isDir(body.agentDir)).toBe(true);
    expect(await isDir(body.sessionsDir)).toBe(true);

    // The implicit default agent stays listed (and default), so unbound traffic keeps its agent.
    expect((await readConfig()).agents.list).toEqual([{ id: "main" }, { id: "work-bot", name: "Work Bot" }]);
    const validate = await box.run(["config", "validate", "--json"]);
    expect(validate.code).toBe(0);
    const list = await box.run(["agents", "list", "--json"]);
    expect(
      list.json<{ agents: { id: string; default: boolean }[] }>().agents.map((a) => [a.id, a.default]),
    ).toEqual([
      ["main", true],
      ["work-bot", false],
    ]);
  });

  it("makes the first agent the only one when --default is given", async () => {
    const run = await box.run(["agents", "add", "home", "--default", "--json"]);
    expect(run.code).toBe(0);
    expect(run.json<AddJson>().workspace).toBe(join(box.stateDir, "workspace"));
    expect((await readConfig()).agents.list).toEqual([{ id: "home", name: "home", default: true }]);
  });

  it("appends to an existing config, keeps the previous file as .bak, and the result validates", async () => {
    const previous = `// my config\n{\n  agents: { list: [{ id: "home", default: true }] },\n  bindings: [{ agentId: "home", match: { channel: "telegram", accountId: "*" } }],\n}\n`;
    await box.writeConfig(previous);
    const run = await box.run([
      "agents",
      "add",
      "work",
      "--name",
      "Work",
      "--model",
      "gpt-x",
      "--emoji",
      "🛠",
    ]);
    expect(run.code).toBe(0);
    expect(run.out[0]).toBe(
      `added agent "work" to ${box.configPath} (previous file kept as ${box.configPath}.bak)`,
    );
    expect(run.out.join("\n")).toContain(`workspace: ${join(box.stateDir, "workspace-work")}`);
    expect(await readFile(`${box.configPath}.bak`, "utf8")).toBe(previous);
    const written = await readConfig();
    expect(written.agents.list).toEqual([
      { id: "home", default: true },
      { id: "work", name: "Work", model: "gpt-x", identity: { name: "Work", emoji: "🛠" } },
    ]);
    expect(written.bindings).toHaveLength(1);
    expect((await box.run(["config", "validate"])).code).toBe(0);
  });

  it("refuses an id that already exists (after normalisation) and changes nothing", async () => {
    const previous = JSON.stringify({ agents: { list: [{ id: "work" }] } });
    await box.writeConfig(previous);
    const run = await box.run(["agents", "add", "WORK"]);
    expect(run.code).toBe(1);
    expect(run.err.join("\n")).toBe(`agent "work" already exists in ${box.configPath}`);
    expect(await readFile(box.configPath, "utf8")).toBe(previous);
    expect(existsSync(`${box.configPath}.bak`)).toBe(false);
  });

  it("keeps workspace files that already exist", async () => {
    const workspace = join(box.stateDir, "mine");
    await mkdir(workspace, { recursive: true });
    await writeFile(join(workspace, "SOUL.md"), "my own soul\n");
    const run = await box.run(["agents", "add", "work", "--workspace", workspace, "--json"]);
    expect(run.code).toBe(0);
    expect(run.json<AddJson>().created.sort()).toEqual([
      join(workspace, "AGENTS.md"),
      join(workspace, "USER.md"),
    ]);
    expect(await readFile(join(workspace, "SOUL.md"), "utf8")).toBe("my own soul\n");
  });

  it("asks for what no flag gave when a person is at the terminal", async () => {
    const run = await box.run(["agents", "add", "helper"], {
      interactive: true,
      answers: ["Helpful Helper", "gpt-4o-mini"],
    });
    expect(run.code).toBe(0);
    expect(run.questions).toEqual(["Display name [helper]: ", "Model (blank for none): "]);
    expect((await readConfig()).agents.list.at(-1)).toEqual({
      id: "helper",
      name: "Helpful Helper",
      model: "gpt-4o-mini",
    });
  });

  it("takes the default for a blank answer and does not ask what a flag already says", async () => {
    const run = await box.run(["agents", "add", "helper", "--name", "Given"], {
      interactive: true,
      answers: [""],
    });
    expect(run.code).toBe(0);
    expect(run.questions).toEqual(["Model (blank for none): "]);
    expect((await readConfig()).agents.list.at(-1)).toEqual({ id: "helper", name: "Given" });
  });

  it("never prompts without a terminal", async () => {
    const run = await box.run(["agents", "add", "helper"], { interactive: false, answers: ["X", "Y"] });
    expect(run.code).toBe(0);
    expect(run.questions).toEqual([]);
  });

  it("writes an openai runtime with the key as an env reference, and refuses it without --base-url", async () => {
    const missing = await box.run([
      "agents",
      "add",
      "gpt",
      "--runtime",
      "openai",
      "--api-key-env",
      "OPENAI_API_KEY",
    ]);
    expect(missing.code).toBe(2);
    expect(missing.err.join("\n")).toMatch(/^--runtime openai needs --base-url URL and --api-key-env VAR/);
    expect(existsSync(box.configPath)).toBe(false);
    expect(existsSync(join(box.stateDir, "workspace-gpt"))).toBe(false);

    const run = await box.run([
      "agents",
      "add",
      "gpt",
      "--runtime",
      "openai",
      "--base-url",
      "http://127.0.0.1:9/v1",
      "--api-key-env",
      "OPENAI_API_KEY",
    ]);
    expect(run.code).toBe(0);
    expect((await readConfig()).agents.list.at(-1)).toMatchObject({
      id: "gpt",
      runtime: {
        type: "openai",
        baseUrl: "http://127.0.0.1:9/v1",
        apiKey: { source: "env", id: "OPENAI_API_KEY" },
      },
    });
    expect((await box.run(["config", "validate"])).code).toBe(0);
  });

  it("rejects runtimes it cannot set up and a missing id with exit 2", async () => {
    const runtime = await box.run(["agents", "add", "hook", "--runtime", "webhook"]);
    expect(runtime.code).toBe(2);
    expect(runtime.err.join("\n")).toMatch(/--runtime must be echo or openai/);
    const noId = await box.run(["agents", "add", "--name", "Nameless"]);
    expect(noId.code).toBe(2);
    expect(noId.err.join("\n")).toMatch(/^an agent id is required\nUsage: patchbay agents add <id>/);
    const flag = await box.run(["agents", "add", "x", "--colour", "red"]);
    expect(flag.code).toBe(2);
    expect(existsSync(box.configPath)).toBe(false);
  });

  it("refuses to rewrite a config that is not valid JSON5, naming the file and the position", async () => {
    const broken = "{ agents: { list: [ { id: 'a' } ] ";
    await box.writeConfig(broken);
    const run = await box.run(["agents", "add", "b"]);
    expect(run.code).toBe(1);
    expect(run.err.join("\n")).toMatch(
      new RegExp(
        `^${box.configPath.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} is not valid JSON5 \\(invalid end of input at 1:\\d+\\)`,
      ),
    );
    expect(await readFile(box.configPath, "utf8")).toBe(broken);
  });

  it("refuses when the result would not validate, without touching the file or creating dirs", async () => {
    const previous = JSON.stringify({
      agents: { list: [{ id: "a" }] },
      bindings: [{ agentId: "zz", match: { channel: "telegram" } }],
    });
    await box.writeConfig(previous);
    const run = await box.run(["agents", "add", "b"]);
    expect(run.code).toBe(1);
    expect(run.err.join("\n")).toMatch(
      /^the config would not be valid after adding "b":\n {2}bindings\[0\]\.agentId: Agent "zz"/,
    );
    expect(await readFile(box.configPath, "utf8")).toBe(previous);
    expect(existsSync(join(box.stateDir, "workspace-b"))).toBe(false);
  });
});
