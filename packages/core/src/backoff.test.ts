import { describe, expect, it } from "vitest";
import { Backoff } from "./backoff.js";

describe("Backoff", () => {
  it("grows exponentially up to the ceiling without jitter", () => {
    const backoff = new Backoff({ initialMs: 100, maxMs: 1_000, jitter: 0 });
    expect([1, 2, 3, 4, 5].map(() => backoff.next())).toEqual([100, 200, 400, 800, 1_000]);
  });

  it("spreads delays with jitter and starts over after reset", () => {
    const low = new Backoff({ initialMs: 1_000, jitter: 0.5, random: () => 0 });
    const high = new Backoff({ initialMs: 1_000, jitter: 0.5, random: () => 0.99 });
    expect(low.next()).toBe(500);
    expect(high.next()).toBe(995);
    high.reset();
    expect(high.attempt).toBe(0);
  });
});
