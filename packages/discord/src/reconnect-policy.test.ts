import { describe, expect, it } from "vitest";
import { ReconnectPolicy } from "./reconnect-policy.js";

describe("ReconnectPolicy", () => {
  it("backs off exponentially with jitter up to the ceiling, and resets when connected", () => {
    const policy = new ReconnectPolicy({ initialMs: 100, maxMs: 1000, jitter: 0.5, random: () => 1 });
    expect([1, 2, 3, 4, 5].map(() => policy.next(true).delayMs)).toEqual([100, 200, 400, 800, 1000]);
    policy.connected();
    expect(policy.next(true)).toMatchObject({ delayMs: 100, attempt: 1 });
  });

  it("spreads delays with the jitter share", () => {
    const low = new ReconnectPolicy({ initialMs: 1000, jitter: 0.5, random: () => 0 });
    const high = new ReconnectPolicy({ initialMs: 1000, jitter: 0.5, random: () => 0.999 });
    expect(low.next(true).delayMs).toBe(500);
    expect(high.next(true).delayMs).toBe(1000);
  });

  it("resumes up to maxResumeAttempts in a row, then identifies afresh", () => {
    const policy = new ReconnectPolicy({ maxResumeAttempts: 2 });
    expect([1, 2, 3].map(() => policy.next(true).resume)).toEqual([true, true, false]);
    // After the fresh identify the counter starts over.
    expect(policy.next(true).resume).toBe(true);
    expect(policy.next(false).resume).toBe(false);
    policy.connected();
    expect(policy.next(true).resume).toBe(true);
  });

  it("attempts that never reached the server do not count as failed resumes", () => {
    const policy = new ReconnectPolicy({ maxResumeAttempts: 2 });
    expect(policy.next(true).resume).toBe(true);
    // A long outage: every attempt fails before HELLO; the session is kept throughout.
    for (let i = 0; i < 10; i++) expect(policy.next(true, false).resume).toBe(true);
    // Back online, the resume is refused twice: then identify.
    expect(policy.next(true, true).resume).toBe(true);
    expect(policy.next(true, true).resume).toBe(false);
  });
});
