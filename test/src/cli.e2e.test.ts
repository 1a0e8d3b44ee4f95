import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FakeTelegramBotApi } from "@patchbay/testkit/telegram";
import { afterEach, describe, expect, it } from "vitest";
import { CLI_PATH, type GatewayProcess, spawnGateway } from "./support/gateway-process.js";

interface BinRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built `patchbay` bin as an operator would, with only the given environment. */
function patchbay(args: string[], env: NodeJS.ProcessEnv): Promise<BinRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_PATH, ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

describe("the patchbay bin", () => {
  const cleanup: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const step of cleanup.reverse()) await step();
    cleanup.length = 0;
  });

  const tempDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), "patchbay-cli-e2e-"));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    return dir;
  };

  it("exits with each command's code: JSON on stdout, errors and usage on stderr", async () => {
    const dir = await tempDir();
    const configPath = join(dir, "patchbay.json");
    await writeFile(
      configPath,
      "{ agents: { list: [{ id: 'home' }] }, bindings: [{ agentId: 'hom', match: { channel: 'telegram' } }] }",
    );
    const env = { PATCHBAY_STATE_DIR: dir, PATCHBAY_CONFIG_PATH: configPath };

    const invalid = await patchbay(["config", "validate", "--json"], env);
    expect(invalid.code).toBe(1);
    expect(JSON.parse(invalid.stdout)).toMatchObject({
      valid: false,
      errors: [{ path: "bindings[0].agentId", message: expect.stringContaining('did you mean "home"') }],
    });

    const unknown = await patchbay(["frobnicate"], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toBe("");
    expect(unknown.stderr).toMatch(/^unknown command: frobnicate\n/);

    const badFlag = await patchbay(["agents", "list", "--nope"], env);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toContain("Usage: patchbay agents list");

    const help = await patchbay(["--help"], env);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("patchbay route explain");
  });

  it("finds the gateway process through the config: channels status, then pairing approve --notify", async () => {
    const fake = new FakeTelegramBotApi();
    await fake.start();
    cleanup.push(() => fake.stop());
    const bot = fake.addBot({ username: "cli_e2e_bot" });
    const dir = await tempDir();
    const stateDir = join(dir, "state");
    const configPath = join(dir, "patchbay.json");
    await writeFile(
      configPath,
      JSON.stringify({
        gateway: { port: await freePort() },
        channels: { telegram: { apiRoot: fake.apiRoot, accounts: { ops: { botToken: bot.token } } } },
      }),
    );
    const gateway: GatewayProcess = spawnGateway(["--config", configPath, "--state-dir", stateDir]);
    cleanup.push(() => gateway.kill("SIGKILL"));
    await gateway.ready;
    const env = { PATCHBAY_STATE_DIR: stateDir, PATCHBAY_CONFIG_PATH: configPath };

    // A stranger DMs the bot and gets a pairing code (the account is up by then).
    const stranger = fake.user({ firstName: "Sam" });
    fake.userMessage(bot, { from: stranger, text: "hello?" });
    await fake.nextReply(bot);

    const status = await patchbay(["channels", "status", "--probe", "--json"], env);
    expect(status.stderr).toBe("");
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      ok: true,
      accounts: [{ channel: "telegram", accountId: "ops", state: "ready", probe: { ok: true } }],
    });

    const listed = await patchbay(["pairing", "list", "telegram", "--json"], env);
    const requests = (JSON.parse(listed.stdout) as { requests: { code: string; senderId: string }[] })
      .requests;
    expect(requests).toEqual([expect.objectContaining({ senderId: String(stranger.id) })]);

    const approve = await patchbay(
      ["pairing", "approve", "telegram", requests[0]?.code ?? "", "--notify", "--json"],
      env,
    );
    expect(approve.stderr).toBe("");
    expect(approve.code).toBe(0);
    expect(JSON.parse(approve.stdout)).toEqual({
      approved: { channel: "telegram", accountId: "ops", senderId: String(stranger.id) },
      notified: true,
    });
    expect((await fake.nextReply(bot)).text).toMatch(/approved/i);

    for (const run of [status, listed, approve]) expect(run.stdout + run.stderr).not.toContain(bot.token);
  });
});
