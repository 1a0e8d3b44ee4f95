import { describe, expect, it } from "vitest";
import { parseWhatsAppConfig, phoneDigits } from "./config.js";

describe("parseWhatsAppConfig", () => {
  it("fills defaults", () => {
    const config = parseWhatsAppConfig({ accountId: "default", authDir: "/tmp/x" });
    expect(config).toMatchObject({ textLimit: 4000, reconnect: { initialMs: 1000, maxMs: 60_000 } });
    expect(config.webSocketUrl).toBeUndefined();
  });

  it("accepts a hex or byte root key and rejects bad values with a ConfigError", () => {
    const hex = "11".repeat(32);
    expect(
      parseWhatsAppConfig({ accountId: "a", authDir: "/x", trustedRootKey: hex }).trustedRootKey,
    ).toEqual(Buffer.from(hex, "hex"));
    expect(() =>
      parseWhatsAppConfig({ accountId: "a", authDir: "/x", trustedRootKey: new Uint8Array(31) }),
    ).toThrow(expect.objectContaining({ code: "CONFIG_INVALID" }));
    expect(() =>
      parseWhatsAppConfig({ accountId: "a", authDir: "/x", webSocketUrl: "http://127.0.0.1/ws" }),
    ).toThrow(
      expect.objectContaining({
        code: "CONFIG_INVALID",
        issues: [expect.objectContaining({ path: "webSocketUrl" })],
      }),
    );
  });

  it("reduces a phone number to digits", () => {
    expect(phoneDigits("+1 (555) 123-4567")).toBe("15551234567");
    expect(phoneDigits("whatsapp:+15551234567")).toBe("15551234567");
  });
});
