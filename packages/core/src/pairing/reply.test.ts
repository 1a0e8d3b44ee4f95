import { describe, expect, it } from "vitest";
import { buildPairingReply } from "./reply.js";

describe("buildPairingReply", () => {
  it("follows the OpenClaw layout with Patchbay branding and code formatting", () => {
    expect(buildPairingReply({ channel: "Telegram", code: "abcd2345", senderId: 123 })).toBe(
      [
        "Patchbay: access not configured.",
        "",
        "Your Telegram user id: 123",
        "",
        "Pairing code: `ABCD2345`",
        "",
        "Ask the bot owner to approve with:",
        "`patchbay pairing approve telegram ABCD2345`",
      ].join("\n"),
    );
  });

  it("labels per channel, accepts an idLine override and omits a missing id", () => {
    expect(buildPairingReply({ channel: "whatsapp", code: "X", senderId: "+1555" })).toContain(
      "Your WhatsApp phone number: +1555",
    );
    expect(buildPairingReply({ channel: "matrix", code: "X", senderId: "@a:b" })).toContain(
      "Your Matrix id: @a:b",
    );
    expect(buildPairingReply({ channel: "slack", code: "X", idLine: "Slack user U1" })).toContain(
      "\n\nSlack user U1\n\n",
    );
    expect(buildPairingReply({ channel: "slack", code: "X" }).split("\n")[1]).toBe("");
    expect(buildPairingReply({ channel: "slack", code: "X" }).split("\n")[2]).toBe("Pairing code: `X`");
    expect(() => buildPairingReply(null as never)).not.toThrow();
  });
});
