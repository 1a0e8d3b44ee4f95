import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { waitFor } from "@patchbay/testkit";
import { FakeTelegramBotApi } from "@patchbay/testkit/telegram";
import { afterEach, describe, expect, it } from "vitest";
import { type GatewayProcess, spawnGateway } from "./support/gateway-process.js";

/** An agent that marks that it started, then takes a while to answer. */
const SLOW_AGENT = `const fs=require("fs");let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const t=JSON.parse(s);fs.writeFileSync(process.env.MARKER,"started");setTimeout(()=>process.stdout.write("answered: "+t.text),1500)})`;

describe("restart mid-conversation", () => {
  const cleanup: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const step of cleanup.reverse()) await step();
    cleanup.length = 0;
  });

  it("a crash between receipt and reply neither loses the message nor answers it twice", async () => {
    const fake = new FakeTelegramBotApi();
    await fake.start();
    cleanup.push(() => fake.stop());
    const bot = fake.addBot({ username: "restart_bot" });
    const dir = await mkdtemp(join(tmpdir(), "patchbay-restart-"));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const marker = join(dir, "agent-started");
    const configPath = join(dir, "patchbay.json");
    await writeFile(
      configPath,
      JSON.stringify({
        agents: {
          list: [
            {
              id: "slow",
              runtime: {
                type: "command",
                command: process.execPath,
                args: ["-e", SLOW_AGENT],
                env: { MARKER: marker },
              },
            },
          ],
        },
        channels: {
          telegram: { apiRoot: fake.apiRoot, botToken: bot.token, dmPolicy: "open", allowFrom: ["*"] },
        },
      }),
    );
    const args = ["--config", configPath, "--state-dir", join(dir, "state"), "--port", "0"];
    let gateway: GatewayProcess = spawnGateway(args);
    cleanup.push(() => gateway.kill("SIGKILL"));
    await gateway.ready;

    const user = fake.user({ firstName: "Ann" });
    fake.userMessage(bot, { from: user, text: "do not lose me" });
    await waitFor(() => existsSync(marker), { timeoutMs: 15_000, what: "the agent to start" });
    await gateway.kill("SIGKILL");
    expect(fake.sentBy(bot)).toHaveLength(0);

    gateway = spawnGateway(args);
    await gateway.ready;
    const reply = await fake.nextReply(bot, { timeoutMs: 15_000 });
    expect(reply.text).toBe("answered: do not lose me");

    fake.userMessage(bot, { from: user, text: "and me" });
    expect((await fake.nextReply(bot, { timeoutMs: 15_000 })).text).toBe("answered: and me");
    // Give a duplicate every chance to show up before counting.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(fake.sentBy(bot).map((m) => m.text)).toEqual(["answered: do not lose me", "answered: and me"]);

    // A clean stop drains in flight and exits 0.
    expect(await gateway.kill("SIGTERM")).toBe(0);
  }, 60_000);
});
