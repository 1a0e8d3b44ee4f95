import { makeWASocket, WA_CERT_DETAILS } from "baileys";
import { afterEach, describe, expect, it } from "vitest";
import { silentBaileysLogger } from "./device.js";
import { createMemoryKeyStore } from "./keys.js";
import { FakeWhatsAppServer } from "./server.js";

/**
 * Pins the upstream behaviour the fake relies on and the adapter guards against: Baileys
 * 7.0.0-rc14, still pinned to WhatsApp's real root key, completes the Noise handshake with this
 * fake although its chain is signed by a random test root (`Curve.verify` ignores libsignal's
 * boolean result). If this starts failing, upstream fixed the check: the fake must then also set
 * `WA_CERT_DETAILS.PUBLIC_KEY` to its root for plain Baileys clients.
 */
describe("Baileys' own certificate check (upstream)", () => {
  const fake = new FakeWhatsAppServer();
  afterEach(async () => {
    await fake.stop();
  });

  it("accepts a chain not signed by WhatsApp's root", async () => {
    const url = await fake.start();
    fake.addAccount("15550001111");
    expect(Buffer.from(WA_CERT_DETAILS.PUBLIC_KEY).equals(Buffer.from(fake.rootPublicKey))).toBe(false);
    const sock = makeWASocket({
      waWebSocketUrl: url,
      auth: { creds: fake.linkOffline("15550001111"), keys: createMemoryKeyStore() },
      logger: silentBaileysLogger,
      fireInitQueries: false,
      shouldSyncHistoryMessage: () => false,
    });
    const outcome = await new Promise<string>((resolve) => {
      sock.ev.on("connection.update", ({ connection }) => {
        if (connection === "open" || connection === "close") resolve(connection);
      });
    });
    expect(outcome).toBe("open");
    await sock.end(undefined);
  });
});
