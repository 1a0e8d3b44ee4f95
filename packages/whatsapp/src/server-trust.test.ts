import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createKeyPair, createTestPki, FakeWhatsAppServer } from "@patchbay/testkit/whatsapp";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeCredentials } from "./auth-state.js";
import { WhatsAppChannel } from "./channel.js";
import { WHATSAPP_ROOT_PUBLIC_KEY } from "./server-trust.js";
import { FAST } from "./test-support.js";

const BOT = "15550001111";

describe("server authentication", () => {
  let dir: string;
  let servers: FakeWhatsAppServer[];
  let channels: WhatsAppChannel[];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "patchbay-wa-trust-"));
    servers = [];
    channels = [];
  });
  afterEach(async () => {
    await Promise.all(channels.map((c) => c.stop()));
    await Promise.all(servers.map((s) => s.stop()));
    await rm(dir, { recursive: true, force: true });
  });

  async function serve(fake: FakeWhatsAppServer): Promise<string> {
    servers.push(fake);
    fake.addAccount(BOT);
    return fake.start();
  }

  async function channelFor(
    fake: FakeWhatsAppServer,
    url: string,
    trustedRootKey?: Uint8Array,
  ): Promise<WhatsAppChannel> {
    const authDir = join(dir, String(servers.length));
    await writeCredentials(authDir, fake.linkOffline(BOT));
    const channel = new WhatsAppChannel({
      accountId: "trust",
      authDir,
      webSocketUrl: url,
      ...(trustedRootKey ? { trustedRootKey } : {}),
      ...FAST,
    });
    channels.push(channel);
    return channel;
  }

  it("accepts the fake whose root the test trusts", async () => {
    const fake = new FakeWhatsAppServer();
    const channel = await channelFor(fake, await serve(fake), fake.rootPublicKey);
    await channel.start(async () => {});
    expect(channel.health().state).toBe("ready");
  });

  it("refuses a server signed by another root, before sending anything identifying", async () => {
    const trusted = createTestPki();
    const impostor = new FakeWhatsAppServer();
    const channel = await channelFor(impostor, await serve(impostor), trusted.rootPublicKey);
    const error = await channel.start(async () => {}).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "UNTRUSTED_SERVER",
      message: expect.stringContaining("not signed by the trusted WhatsApp root key"),
    });
    expect(channel.health()).toMatchObject({ state: "stopped", reason: expect.stringContaining("root key") });
    // The impostor never got the client's static key or login payload, and there was no retry.
    expect(impostor.connections).toHaveLength(1);
    expect(impostor.connections[0]?.clientStatic).toBeUndefined();
    expect(impostor.connections[0]?.stage).not.toBe("authenticated");
  });

  it("refuses the fake by default: only WhatsApp's own root is trusted", async () => {
    const fake = new FakeWhatsAppServer();
    const channel = await channelFor(fake, await serve(fake));
    await expect(channel.start(async () => {})).rejects.toMatchObject({ code: "UNTRUSTED_SERVER" });
    expect(WHATSAPP_ROOT_PUBLIC_KEY).toHaveLength(32);
  });

  it("refuses a genuine-looking chain whose leaf names another static key (a replayed chain)", async () => {
    const root = createKeyPair();
    const fake = new FakeWhatsAppServer({
      pki: createTestPki({ root, leafKeyOverride: createKeyPair().public }),
    });
    const channel = await channelFor(fake, await serve(fake), root.public);
    await expect(channel.start(async () => {})).rejects.toMatchObject({
      code: "UNTRUSTED_SERVER",
      message: expect.stringContaining("static key"),
    });
  });

  it("refuses a chain with a forged root signature", async () => {
    const root = createKeyPair();
    const fake = new FakeWhatsAppServer({ pki: createTestPki({ root, corruptIntermediateSignature: true }) });
    const channel = await channelFor(fake, await serve(fake), root.public);
    await expect(channel.start(async () => {})).rejects.toMatchObject({ code: "UNTRUSTED_SERVER" });
  });

  it("one account's trusted root does not leak to another in the same process", async () => {
    const good = new FakeWhatsAppServer();
    const bad = new FakeWhatsAppServer();
    const goodChannel = await channelFor(good, await serve(good), good.rootPublicKey);
    const badChannel = await channelFor(bad, await serve(bad), good.rootPublicKey);
    const [ok, refused] = await Promise.allSettled([
      goodChannel.start(async () => {}),
      badChannel.start(async () => {}),
    ]);
    expect(ok.status).toBe("fulfilled");
    expect(refused).toMatchObject({ status: "rejected", reason: { code: "UNTRUSTED_SERVER" } });
  });
});
