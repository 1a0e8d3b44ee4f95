import type { AccountHealth, HealthState } from "@patchbay/core";
import { waitFor } from "@patchbay/testkit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "./test-support.js";

const BOT = "15550001111";

/** Long enough for several reconnect attempts at the test backoff (20-100 ms). */
const settle = () => new Promise((r) => setTimeout(r, 300));

describe("start() is bounded while WhatsApp fails before the first connection", () => {
  let h: Harness;
  let states: HealthState[];
  const onHealthChange = (health: AccountHealth) => states.push(health.state);

  beforeEach(async () => {
    h = await createHarness();
    states = [];
    h.fake.addAccount(BOT);
  });
  afterEach(async () => {
    await h.close();
  });

  it("retries transient failures, then rejects with TIMEOUT and leaves no socket or timer behind", async () => {
    h.fake.refuseLogins(BOT, 503);
    const channel = await h.linkedChannel(BOT, { startTimeoutMs: 400, onHealthChange });
    const error = await channel.start(async () => {}).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "TIMEOUT",
      accountId: channel.accountId,
      message: expect.stringContaining("(503)"),
    });
    expect(h.fake.loginAttempts(BOT)).toBeGreaterThanOrEqual(2);
    // Truthful health: connecting (with the reason) while it retried, never ready or degraded.
    expect(states.slice(0, -1).every((state) => state === "connecting")).toBe(true);
    expect(channel.health()).toMatchObject({ state: "stopped", reason: expect.stringContaining("503") });

    const attempts = h.fake.loginAttempts(BOT);
    await waitFor(() => h.fake.connections.every((c) => !c.open), { what: "every socket closed" });
    await settle();
    expect(h.fake.loginAttempts(BOT)).toBe(attempts);

    // The same instance can be started again once WhatsApp answers.
    h.fake.clearLoginFaults(BOT);
    await channel.start(async () => {});
    expect(channel.health().state).toBe("ready");
    expect(h.fake.connections.filter((c) => c.open)).toHaveLength(1);
  });

  it("resolves at the first open connection when a retry succeeds within the limit", async () => {
    h.fake.refuseLogins(BOT, 503, 2);
    const channel = await h.linkedChannel(BOT, { startTimeoutMs: 10_000, onHealthChange });
    await channel.start(async () => {});
    expect(channel.health()).toMatchObject({ state: "ready", reconnects: 2 });
    expect(states.at(-1)).toBe("ready");
    expect(states.slice(0, -1).every((state) => state === "connecting")).toBe(true);
    expect(h.fake.loginAttempts(BOT)).toBe(3);
  });
});
