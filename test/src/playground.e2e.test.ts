import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRecordingLogger } from "@patchbay/core";
import { type RunningPlayground, startDevPlayground } from "@patchbay/gateway";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The zero-token playground (`pnpm dev`) as shipped: the example config against the four
 * built-in fakes. Each channel gets a message through the composer's API and must answer.
 */
describe("the dev playground on the example config", () => {
  let playground: RunningPlayground;
  let stateDir = "";
  const banner: string[] = [];

  beforeAll(async () => {
    stateDir = await mkdtemp(join(tmpdir(), "patchbay-playground-"));
    playground = await startDevPlayground({
      stateDir,
      port: 0,
      env: {},
      logger: createRecordingLogger(),
      io: { out: (line) => banner.push(line), err: () => {}, env: {}, interactive: false },
    });
  }, 60_000);

  afterAll(async () => {
    await playground?.stop();
    await rm(stateDir, { recursive: true, force: true });
  });

  const send = async (body: Record<string, string>) => {
    const response = await fetch(`${playground.gateway.url}/api/dev/send`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(202);
  };
  const replyTo = (text: string) =>
    expect.poll(
      () =>
        playground.gateway.events
          .recent()
          .filter((e) => e.kind === "reply" && e.text.endsWith(text))
          .map((e) => e.text),
      {
        timeout: 10_000,
      },
    );

  it("starts every example account, and says where to look", async () => {
    expect(
      playground.gateway
        .status()
        .map((s) => `${s.channel}/${s.accountId}:${s.state}`)
        .sort(),
    ).toEqual([
      "discord/acme:ready",
      "slack/acme:ready",
      "telegram/alpha:ready",
      "telegram/beta:ready",
      "whatsapp/biz:ready",
    ]);
    expect(banner.join("\n")).toContain(`${playground.gateway.url}/`);
  });

  it("refuses a composer post that is not JSON (no cross-site form posts)", async () => {
    const response = await fetch(`${playground.gateway.url}/api/dev/send`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: JSON.stringify({ channel: "telegram", accountId: "alpha", chat: "dm", user: "ann", text: "x" }),
    });
    expect(response.status).toBe(415);
  });

  it("answers on Telegram, through each bot's own agent", async () => {
    await send({ channel: "telegram", accountId: "beta", chat: "dm", user: "ann", text: "tg hello" });
    await replyTo("tg hello").toEqual(["[work] tg hello"]);
  });

  it("answers on Discord, where #ops has its own agent", async () => {
    await send({
      channel: "discord",
      accountId: "acme",
      chat: "920000000000000001",
      user: "930000000000000001",
      text: "dc hello",
    });
    await replyTo("dc hello").toEqual(["[ops] dc hello"]);
  });

  it("answers on Slack, by the workspace's team binding", async () => {
    await send({ channel: "slack", accountId: "acme", chat: "dm", user: "U0DEVANN", text: "sl hello" });
    await replyTo("sl hello").toEqual(["[work] sl hello"]);
  });

  it("answers on WhatsApp, one number serving several agents", async () => {
    await send({ channel: "whatsapp", accountId: "biz", chat: "dm", user: "15551230001", text: "wa alex" });
    await send({ channel: "whatsapp", accountId: "biz", chat: "dm", user: "15551230003", text: "wa cleo" });
    await replyTo("wa alex").toEqual(["[alex] wa alex"]);
    await replyTo("wa cleo").toEqual(["[concierge] wa cleo"]);
  });
});
