import { existsSync } from "node:fs";
import { FakeWhatsAppServer } from "@patchbay/testkit/whatsapp";
import { writeCredentials } from "@patchbay/whatsapp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { whatsappAuthDir } from "../../paths.js";
import { type CliSandbox, createCliSandbox } from "../cli-test-io.js";

// A full QR / pairing-code link needs the channel to trust the fake's root key, which the CLI
// (rightly) cannot be told to do; packages/whatsapp/src/login.test.ts covers the link itself.
// Here: the CLI's flag and account handling, an already-linked number, and the refusal of a
// server that is not WhatsApp.
describe("patchbay channels login", () => {
  let box: CliSandbox;
  let fake: FakeWhatsAppServer;
  beforeAll(async () => {
    box = await createCliSandbox();
    fake = new FakeWhatsAppServer();
    const url = await fake.start();
    await box.writeConfig({
      channels: {
        whatsapp: { webSocketUrl: url, accounts: { biz: {}, fresh: {} } },
        telegram: { botToken: "1:A" },
      },
    });
  });
  afterAll(async () => {
    await fake?.stop();
    await box?.dispose();
  });

  it("reports a number that is already linked, from the account's auth dir, without a round trip", async () => {
    fake.addAccount("15550001111");
    await writeCredentials(whatsappAuthDir(box.stateDir, "biz"), fake.linkOffline("15550001111"));
    const connections = fake.connections.length;
    const run = await box.run(["channels", "login", "--channel", "whatsapp", "--account", "biz", "--json"]);
    expect(run.err).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.json()).toEqual({
      linked: true,
      accountId: "biz",
      identity: {
        phone: "+15550001111",
        jid: expect.stringMatching(/^15550001111:\d+@s\.whatsapp\.net$/),
        lid: expect.any(String),
      },
    });
    expect(fake.connections.length).toBe(connections);

    const human = await box.run(["channels", "login", "--channel", "WhatsApp", "--account", "BIZ"]);
    expect(human.code).toBe(0);
    expect(human.out.at(-1)).toMatch(/^Linked biz as \{"phone":"\+15550001111"/);
  });

  it("refuses to link against a server whose certificate WhatsApp did not sign, exit 1", async () => {
    const run = await box.run([
      "channels",
      "login",
      "--channel",
      "whatsapp",
      "--account",
      "fresh",
      "--timeout",
      "5",
    ]);
    expect(run.code).toBe(1);
    expect(run.err).toEqual([
      "UNTRUSTED_SERVER: Refusing WhatsApp server: certificate chain is not signed by the trusted WhatsApp root key",
    ]);
    expect(run.out.join("\n")).not.toMatch(/Scan with WhatsApp/);
  });

  it("explains that other channels log in with a token, exit 2", async () => {
    const run = await box.run(["channels", "login", "--channel", "telegram", "--account", "default"]);
    expect(run.code).toBe(2);
    expect(run.err).toEqual([
      "channels login links WhatsApp numbers; telegram accounts log in with a token in the config",
    ]);
    const none = await box.run(["channels", "login", "--account", "biz"]);
    expect(none.code).toBe(2);
    expect(none.err.join("\n")).toMatch(/^--channel whatsapp is required\nUsage: patchbay channels login/);
  });

  it("names the configured accounts when the account is missing, exit 1", async () => {
    const run = await box.run(["channels", "login", "--channel", "whatsapp", "--account", "nope"]);
    expect(run.code).toBe(1);
    expect(run.err).toEqual([`no WhatsApp account "nope" in ${box.configPath} (configured: biz, fresh)`]);
    const implicit = await box.run(["channels", "login", "--channel", "whatsapp"]);
    expect(implicit.err).toEqual([
      `no WhatsApp account "default" in ${box.configPath} (configured: biz, fresh)`,
    ]);
    expect(existsSync(whatsappAuthDir(box.stateDir, "nope"))).toBe(false);
  });

  it("rejects --pairing-code without --phone and a bad --timeout, exit 2", async () => {
    const phone = await box.run([
      "channels",
      "login",
      "--channel",
      "whatsapp",
      "--account",
      "fresh",
      "--pairing-code",
    ]);
    expect(phone.code).toBe(2);
    expect(phone.err).toEqual(["--pairing-code needs --phone +E164 (the number being linked)"]);
    for (const timeout of ["0", "soon", "1e9999"]) {
      const run = await box.run([
        "channels",
        "login",
        "--channel",
        "whatsapp",
        "--account",
        "fresh",
        "--timeout",
        timeout,
      ]);
      expect(run.code, timeout).toBe(2);
      expect(run.err).toEqual(["--timeout must be a positive number of seconds"]);
    }
  });

  it("fails clearly on a missing config", async () => {
    const run = await box.run([
      "channels",
      "login",
      "--channel",
      "whatsapp",
      "--config",
      `${box.stateDir}/none.json`,
    ]);
    expect(run.code).toBe(1);
    expect(run.err.join("\n")).toContain("config file not found");
  });
});
