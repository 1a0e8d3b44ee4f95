import { readdir, readFile, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { waitFor } from "@patchbay/testkit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createHarness, type Harness, recordingSink } from "./test-support.js";

async function modes(dir: string): Promise<{ dir: number; files: Record<string, number> }> {
  const files: Record<string, number> = {};
  for (const name of await readdir(dir)) files[name] = (await stat(join(dir, name))).mode & 0o777;
  return { dir: (await stat(dir)).mode & 0o777, files };
}

describe("linking a WhatsApp number", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it("links by QR from empty credentials, follows the 515 restart, and starts with the saved creds", async () => {
    const account = h.fake.addAccount("15550003333");
    const bob = h.fake.addContact("15550004444", { name: "Bob" });
    const login = h.channel("main");
    const qrs: string[] = [];
    const identity = await login.login({
      onQr: (qr) => {
        qrs.push(qr);
        void h.fake.scanQr("15550003333", qr);
      },
    });
    expect(qrs[0]).toMatch(/^https:\/\/wa\.me\/settings\/linked_devices#/);
    expect(identity.phone).toBe("+15550003333");
    expect(identity.jid).toMatch(/^15550003333:\d+@s\.whatsapp\.net$/);
    expect(account.linkedDevices).toHaveLength(1);
    // pairing, then the restart WhatsApp asks for, then logins with saved creds only
    const restarts = h.fake.connections.filter((c) => c.phone === "15550003333");
    expect(restarts.length).toBeGreaterThanOrEqual(2);

    const channel = h.channel("main");
    const inbox = recordingSink();
    await channel.start(inbox.sink);
    expect(channel.health().state).toBe("ready");
    expect(channel.identity?.phone).toBe("+15550003333");
    await bob.say("15550003333", "after linking");
    expect((await inbox.next()).text).toBe("after linking");
  });

  it("links with a pairing code typed on the phone", async () => {
    h.fake.addAccount("15550005555");
    const channel = h.channel("coded");
    const codes: string[] = [];
    const identity = await channel.login({
      pairingPhone: "+1 555 000 5555",
      onPairingCode: (code) => {
        codes.push(code);
        void h.fake.enterPairingCode("15550005555", code);
      },
      onQr: () => {
        throw new Error("no QR in pairing-code mode");
      },
    });
    expect(codes).toHaveLength(1);
    expect(codes[0]).toMatch(/^[A-Z0-9]{8}$/);
    expect(identity.phone).toBe("+15550005555");
  });

  it("a wrong pairing code does not link the number", async () => {
    h.fake.addAccount("15550006666");
    const channel = h.channel("wrong");
    await expect(
      channel.login({
        pairingPhone: "15550006666",
        onPairingCode: () => void h.fake.enterPairingCode("15550006666", "AAAAAAAA"),
        timeoutMs: 1_500,
      }),
    ).rejects.toMatchObject({ code: "TIMEOUT" });
    expect(channel.identity).toBeUndefined();
  });

  it("keeps the auth folder and every file readable by the owner only", async () => {
    h.fake.addAccount("15550007777");
    const channel = h.channel("perm");
    await channel.login({ onQr: (qr) => void h.fake.scanQr("15550007777", qr) });
    const { dir, files } = await modes(h.authDir("perm"));
    expect(dir).toBe(0o700);
    expect(Object.keys(files)).toContain("creds.json");
    expect(Object.keys(files).some((name) => name.startsWith("pre-key-"))).toBe(true);
    for (const mode of Object.values(files)) expect(mode).toBe(0o600);
  });

  it("refuses to start an unlinked number and reports needs-login", async () => {
    const channel = h.channel("fresh");
    await expect(channel.start(async () => {})).rejects.toMatchObject({ code: "AUTH_FAILED" });
    expect(channel.health()).toMatchObject({ state: "needs-login" });
    expect(h.fake.connections).toHaveLength(0);
  });

  it("an already aborted signal opens no connection", async () => {
    h.fake.addAccount("15550008888");
    const controller = new AbortController();
    controller.abort();
    const channel = h.channel("aborted");
    await expect(channel.login({ signal: controller.signal, onQr: () => {} })).rejects.toMatchObject({
      code: "CONNECTION_FAILED",
      message: expect.stringContaining("aborted"),
    });
    expect(h.fake.connections).toHaveLength(0);
  });

  it("aborting while the QR is shown ends the login and its socket", async () => {
    h.fake.addAccount("15550008888");
    const controller = new AbortController();
    const channel = h.channel("abort-qr");
    const login = channel.login({ signal: controller.signal, onQr: () => controller.abort() });
    await expect(login).rejects.toMatchObject({ message: expect.stringContaining("aborted") });
    await waitFor(() => h.fake.connections.every((c) => !c.open), { what: "socket closed" });
    expect(channel.identity).toBeUndefined();
  });

  describe("relinking", () => {
    const BOT = "15550001111";
    const leftovers = async (accountId: string) =>
      (await readdir(dirname(h.authDir(accountId)))).filter((name) => name.startsWith("."));

    it("keeps the current link when the new one does not complete", async () => {
      h.fake.addAccount(BOT);
      const channel = await h.linkedChannel(BOT, { accountId: "relink" });
      const creds = join(h.authDir("relink"), "creds.json");
      const before = await readFile(creds, "utf8");
      const controller = new AbortController();
      await expect(
        channel.login({ relink: true, signal: controller.signal, onQr: () => controller.abort() }),
      ).rejects.toMatchObject({ message: expect.stringContaining("aborted") });
      expect(await readFile(creds, "utf8")).toBe(before);
      expect(await leftovers("relink")).toEqual([]);
      await channel.start(async () => {});
      expect(channel.health().state).toBe("ready");
      expect(channel.identity?.jid).toBe(`${BOT}:2@s.whatsapp.net`);
    });

    it("replaces the credentials once the new link is saved", async () => {
      const account = h.fake.addAccount(BOT);
      const channel = await h.linkedChannel(BOT, { accountId: "relink" });
      const identity = await channel.login({
        relink: true,
        onQr: (qr) => void h.fake.scanQr(BOT, qr),
      });
      expect(identity).toMatchObject({ phone: `+${BOT}`, jid: `${BOT}:3@s.whatsapp.net` });
      expect(account.linkedDevices).toEqual([2, 3]);
      expect(await leftovers("relink")).toEqual([]);
      const { dir } = await modes(h.authDir("relink"));
      expect(dir).toBe(0o700);

      await channel.start(async () => {});
      expect(channel.identity?.jid).toBe(`${BOT}:3@s.whatsapp.net`);
      expect(h.fake.connectionOf(BOT, 3)).toBeDefined();
    });
  });
});
