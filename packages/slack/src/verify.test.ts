import { slackSignature } from "@patchbay/testkit/slack";
import { describe, expect, it } from "vitest";
import { verifySlackSignature } from "./verify.js";

const secret = "shh-signing-secret";
const body = '{"type":"event_callback"}';
const now = 1_700_000_000_000;
const ts = now / 1000;

const check = (overrides: Partial<Parameters<typeof verifySlackSignature>[0]>) =>
  verifySlackSignature({
    signingSecret: secret,
    rawBody: body,
    timestamp: String(ts),
    signature: slackSignature(secret, ts, body),
    nowMs: now,
    ...overrides,
  });

describe("verifySlackSignature", () => {
  it("accepts a correct v0 signature within the window", () => {
    expect(check({})).toEqual({ ok: true });
    expect(check({ nowMs: now + 300_000 })).toEqual({ ok: true });
  });

  it("refuses other secrets, other bodies and malformed signatures", () => {
    expect(check({ signature: slackSignature("other", ts, body) })).toEqual({
      ok: false,
      reason: "bad signature",
    });
    expect(check({ rawBody: `${body} ` })).toEqual({ ok: false, reason: "bad signature" });
    expect(check({ signature: "v1=abc" })).toEqual({ ok: false, reason: "bad signature" });
  });

  it("refuses timestamps more than five minutes away, either way", () => {
    expect(check({ nowMs: now + 301_000 })).toEqual({ ok: false, reason: "stale timestamp" });
    expect(check({ nowMs: now - 301_000 })).toEqual({ ok: false, reason: "stale timestamp" });
  });

  it("refuses missing or non-numeric headers", () => {
    expect(check({ signature: undefined })).toEqual({ ok: false, reason: "missing headers" });
    expect(check({ timestamp: "12a" })).toEqual({ ok: false, reason: "missing headers" });
  });
});
