import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRecordingLogger } from "@patchbay/core";
import { type RunningPlayground, startDevPlayground } from "@patchbay/gateway";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The console in a real browser: the dev playground (four fake platforms, the example config) in
 * this process, headless Chromium on its page, a message written through the composer, and the
 * routing line and the reply read back from the page.
 *
 * The playground's fakes listen on fixed ports (18801-18804, the example config points at them), so
 * nothing else may run the playground while this file runs.
 */
const CHROMIUM = process.env.PATCHBAY_CHROMIUM ?? "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const SCREENSHOT = process.env.PATCHBAY_CONSOLE_SCREENSHOT ?? join(tmpdir(), "console.png");
const WAIT_MS = 15_000;

/** Every account of the example config, as `channel/account`. */
const DEV_ACCOUNTS = ["discord/acme", "slack/acme", "telegram/alpha", "telegram/beta", "whatsapp/biz"];

describe("the console in a browser (dev playground)", () => {
  let browser: Browser | undefined;
  let playground: RunningPlayground | undefined;
  let stateDir = "";
  let page: Page;
  /**
   * A setup failure is rethrown by every test rather than thrown from beforeAll: vitest reports a
   * failed beforeAll as skipped tests, and a missing browser must count as failures (CI installs it).
   */
  let setupError: unknown;

  beforeAll(async () => {
    try {
      await setUp();
    } catch (error) {
      setupError = error;
    }
  }, 60_000);

  async function setUp(): Promise<void> {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium not found at ${CHROMIUM}: install Debian's chromium package (apt-get install -y chromium; .ci/run does) or set PATCHBAY_CHROMIUM to its path`,
      );
    }
    stateDir = await mkdtemp(join(tmpdir(), "patchbay-console-"));
    const io = { out: () => {}, err: () => {}, env: {}, interactive: false };
    playground = await startDevPlayground({
      stateDir,
      port: 0,
      env: {},
      logger: createRecordingLogger(),
      io,
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${playground.gateway.url}/`);
  }

  function ready(): void {
    if (setupError !== undefined) throw setupError;
  }

  afterAll(async () => {
    await browser?.close();
    await playground?.stop();
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  /** The composer's selects hold indexes; pick options by their visible labels. */
  async function send(input: { channel: string; account: string; chat: string; user: string; text: string }) {
    await page.selectOption("#channel", { label: input.channel });
    await page.selectOption("#account", { label: input.account });
    await page.selectOption("#chat", { label: input.chat });
    await page.selectOption("#user", { label: input.user });
    await page.fill("#text", input.text);
    await page.click("#send-button");
  }

  /** Waits for an event row of `kind` whose text contains every one of `parts`; returns its text. */
  async function eventRow(kind: "inbound" | "reply", parts: string[]): Promise<string> {
    let row = page.locator(`#events tr[data-kind=${kind}]`);
    for (const part of parts) row = row.filter({ hasText: part });
    await row.first().waitFor({ timeout: WAIT_MS });
    return (await row.first().innerText()).replace(/\s+/g, " ");
  }

  it("lists the five accounts of the example config, all ready", async () => {
    ready();
    // The page polls the gateway every second; WhatsApp is the last account to come up.
    await expect
      .poll(() => page.locator("#accounts tbody td.state-ready").count(), { timeout: WAIT_MS, interval: 200 })
      .toBe(DEV_ACCOUNTS.length);
    const rows = await page.$$eval("#accounts tbody tr", (trs) =>
      trs.map((tr) => [...tr.querySelectorAll("td")].slice(0, 3).map((td) => td.textContent ?? "")),
    );
    expect(rows.map(([channel, account]) => `${channel}/${account}`).sort()).toEqual(DEV_ACCOUNTS);
    expect(rows.every((row) => row[2] === "ready")).toBe(true);
    expect(await page.textContent("#mode")).toContain("dev playground");
    expect(await page.isVisible("#composer")).toBe(true);
  });

  it("a WhatsApp DM from +15551230002 is routed to mia by its peer binding and answered", async () => {
    ready();
    await send({
      channel: "whatsapp",
      account: "biz",
      chat: "direct message",
      user: "Bob (+15551230002)",
      text: "hello from the browser",
    });
    const routing = await eventRow("inbound", ["hello from the browser"]);
    expect(routing).toContain("whatsapp/biz");
    expect(routing).toContain("mia via binding.peer");
    expect(routing).toContain("agent:mia:whatsapp:direct:+15551230002");
    const reply = await eventRow("reply", ["[mia] hello from the browser"]);
    expect(reply).toContain("reply from mia");
    expect(await page.textContent("#status")).toContain("sent as Bob (+15551230002) on whatsapp/biz");
  });

  it("a Telegram DM to the alpha bot is routed to home by its account binding and answered", async () => {
    ready();
    await page.selectOption("#channel", { label: "telegram" });
    const users = await page.$$eval("#user option", (options) => options.map((o) => o.textContent ?? ""));
    const ann = users.find((label) => label.startsWith("Ann ("));
    expect(ann, `Telegram users offered: ${users.join(", ")}`).toBeDefined();
    const annId = /\((\d+)\)/.exec(ann ?? "")?.[1];
    await send({
      channel: "telegram",
      account: "alpha",
      chat: "direct message",
      user: ann ?? "",
      text: "ping over telegram",
    });
    const routing = await eventRow("inbound", ["ping over telegram"]);
    expect(routing).toContain("telegram/alpha");
    expect(routing).toContain("home via binding.account");
    expect(routing).toContain(`agent:home:telegram:direct:${annId}`);
    await eventRow("reply", ["[home] ping over telegram"]);
  });

  it("a line in the WhatsApp group is broadcast to support and logger, each in its own session", async () => {
    ready();
    await send({
      channel: "whatsapp",
      account: "biz",
      chat: 'group "Family" (120363400000000001@g.us; broadcast to two agents)',
      user: "Cleo (+15551230003)",
      text: "dinner at eight",
    });
    await eventRow("reply", ["[support] dinner at eight"]);
    await eventRow("reply", ["[logger] dinner at eight"]);
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });
});
