import { writeFile } from "node:fs/promises";
import { waitFor } from "@patchbay/testkit";
import { FakeTelegramBotApi } from "@patchbay/testkit/telegram";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTempGateway, type TempGateway } from "../../test-support/temp-gateway.js";
import { closedUrl, runCaptured } from "../cli-test-io.js";

interface StatusJson {
  gateway: string;
  ok: boolean;
  accounts: {
    channel: string;
    accountId: string;
    state: string;
    reason?: string;
    probe?: { ok: boolean; identity?: string; error?: string; latencyMs?: number };
  }[];
}

describe("patchbay channels status", () => {
  let fake: FakeTelegramBotApi;
  let temp: TempGateway;
  let tokens: string[];
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    fake = new FakeTelegramBotApi({ retryAfterUnitMs: 10 });
    await fake.start();
    const alpha = fake.addBot({ username: "alpha_bot", id: 7001 });
    const beta = fake.addBot({ username: "beta_bot", id: 7002 });
    tokens = [alpha.token, beta.token];
    fake.revokeToken(beta);
    const config = {
      channels: {
        telegram: {
          dmPolicy: "open",
          allowFrom: ["*"],
          apiRoot: fake.apiRoot,
          // Literal tokens in the config: none may ever be printed.
          accounts: { alpha: { botToken: alpha.token }, beta: { botToken: beta.token } },
        },
      },
    };
    temp = await startTempGateway(config);
    // The CLI finds the gateway through the config's gateway.port (the gateway itself runs on port 0).
    await temp.writeConfig({ ...config, gateway: { port: temp.gateway.port } });
    env = { PATCHBAY_STATE_DIR: temp.stateDir, PATCHBAY_CONFIG_PATH: temp.configPath };
    const state = (id: string) => temp.gateway.status().find((s) => s.accountId === id)?.state;
    await waitFor(() => state("alpha") === "ready" && state("beta") === "needs-login", {
      what: "alpha ready, beta needs-login",
    });
  });
  afterAll(async () => {
    await temp?.dispose();
    await fake?.stop();
  });

  const expectNoToken = (text: string) => {
    for (const token of tokens) expect(text).not.toContain(token);
    // Not even the secret half of a token.
    for (const token of tokens) expect(text).not.toContain(token.split(":")[1]);
  };

  it("reports every account from the running gateway and exits 1 when one needs a login (JSON)", async () => {
    const run = await runCaptured(["channels", "status", "--json"], env);
    expect(run.code).toBe(1);
    const body = run.json<StatusJson>();
    expect(body.gateway).toBe(temp.gateway.url);
    expect(body.ok).toBe(false);
    const byId = Object.fromEntries(body.accounts.map((a) => [a.accountId, a]));
    expect(Object.keys(byId).sort()).toEqual(["alpha", "beta"]);
    expect(byId.alpha).toMatchObject({ channel: "telegram", state: "ready" });
    expect(byId.beta).toMatchObject({
      channel: "telegram",
      state: "needs-login",
      reason: expect.stringMatching(/refused the bot token of account "beta".*revoked/),
    });
    expect(byId.alpha?.probe).toBeUndefined();
    expectNoToken(run.all);
  });

  it("asks each platform with --probe: identity and latency for the good token, the error for the revoked one", async () => {
    const run = await runCaptured(["channels", "status", "--probe", "--json"], env);
    expect(run.code).toBe(1);
    const byId = Object.fromEntries(run.json<StatusJson>().accounts.map((a) => [a.accountId, a]));
    expect(byId.alpha?.probe).toEqual({
      ok: true,
      identity: "@alpha_bot (7001)",
      latencyMs: expect.any(Number),
    });
    expect(byId.beta?.probe).toMatchObject({ ok: false });
    expect(byId.beta?.probe?.error ?? "").toMatch(/\S/);
    expectNoToken(run.all);
  });

  it("prints one line per account in human form", async () => {
    const run = await runCaptured(["channels", "status", "--probe"], env);
    expect(run.code).toBe(1);
    expect(run.out[0]).toBe(`gateway ${temp.gateway.url}`);
    const alpha = run.out.find((line) => line.startsWith("telegram/alpha"));
    const beta = run.out.find((line) => line.startsWith("telegram/beta"));
    expect(alpha).toMatch(/^telegram\/alpha +ready +probe ok \(@alpha_bot \(7001\)\)$/);
    expect(beta).toMatch(/^telegram\/beta +needs-login +\S.* +probe FAILED: \S/);
    expectNoToken(run.all);
  });

  it("takes --url over the config's port", async () => {
    const run = await runCaptured(["channels", "status", "--json", "--url", temp.gateway.url], {
      PATCHBAY_STATE_DIR: temp.stateDir,
      PATCHBAY_CONFIG_PATH: `${temp.stateDir}/does-not-exist.json`,
    });
    expect(run.json<StatusJson>().accounts).toHaveLength(2);
  });

  it("exits 0 when every account is ready", async () => {
    const gamma = fake.addBot({ username: "gamma_bot" });
    const healthy = await startTempGateway({
      channels: { telegram: { apiRoot: fake.apiRoot, botToken: gamma.token } },
    });
    try {
      await waitFor(() => healthy.gateway.status()[0]?.state === "ready", { what: "gamma ready" });
      const run = await runCaptured(
        ["channels", "status", "--probe", "--json", "--url", healthy.gateway.url],
        env,
      );
      expect(run.code).toBe(0);
      expect(run.json<StatusJson>()).toMatchObject({
        ok: true,
        accounts: [{ channel: "telegram", accountId: "default", state: "ready", probe: { ok: true } }],
      });
      expect(run.all).not.toContain(gamma.token);
    } finally {
      await healthy.dispose();
    }
  });

  it("says clearly that no gateway is running, exit 1, whether found through the config or --url", async () => {
    const url = await closedUrl();
    const viaUrl = await runCaptured(["channels", "status", "--url", url], env);
    expect(viaUrl.code).toBe(1);
    expect(viaUrl.err.join("\n")).toBe(
      `no gateway answering at ${url} (start it with \`patchbay gateway\`, or pass --url)`,
    );

    const box = { ...env, PATCHBAY_CONFIG_PATH: `${temp.stateDir}/elsewhere.json` };
    await writeFile(
      box.PATCHBAY_CONFIG_PATH,
      JSON.stringify({ gateway: { port: Number(new URL(url).port) } }),
    );
    const viaConfig = await runCaptured(["channels", "status", "--json"], box);
    expect(viaConfig.code).toBe(1);
    expect(viaConfig.out).toEqual([]);
    expect(viaConfig.err.join("\n")).toMatch(/^no gateway answering at http:\/\/127\.0\.0\.1:\d+ /);
  });

  it("fails clearly without a config to find the gateway in", async () => {
    const run = await runCaptured(["channels", "status"], {
      PATCHBAY_STATE_DIR: temp.stateDir,
      PATCHBAY_CONFIG_PATH: `${temp.stateDir}/none.json`,
    });
    expect(run.code).toBe(1);
    expect(run.err.join("\n")).toContain("config file not found");
  });
});
