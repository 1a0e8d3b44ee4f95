import { describe, expect, it } from "vitest";
import { IdentifyBudget, type SessionStartLimit } from "./identify-budget.js";

function clock(start = 1_000_000) {
  let now = start;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe("IdentifyBudget", () => {
  it("counts identifies down from the announced remaining budget", async () => {
    const fetches: boolean[] = [];
    const limit: SessionStartLimit = { total: 1000, remaining: 3, resetAfterMs: 60_000, maxConcurrency: 1 };
    const budget = new IdentifyBudget({
      spacingMs: 0,
      fetchLimit: async (fresh) => {
        fetches.push(fresh);
        return limit;
      },
    });
    await budget.acquire();
    await budget.acquire();
    expect(budget.remaining).toBe(1);
    expect(fetches).toEqual([false]);
  });

  it("waits for the reset instead of identifying past the budget, and says so", async () => {
    const time = clock();
    const exhausted: number[] = [];
    const fetches: boolean[] = [];
    let remaining = 1;
    const budget = new IdentifyBudget({
      spacingMs: 0,
      now: time.now,
      onExhausted: (resetAt) => exhausted.push(resetAt),
      fetchLimit: async (fresh) => {
        fetches.push(fresh);
        return { total: 1000, remaining, resetAfterMs: 5, maxConcurrency: 1 };
      },
    });
    await budget.acquire();
    remaining = 0;
    let granted = false;
    const blocked = budget.acquire().then(() => {
      granted = true;
    });
    await new Promise((r) => setTimeout(r, 30));
    expect(granted).toBe(false);
    expect(exhausted[0]).toBe(1_000_005);
    remaining = 2; // Discord's window reset
    await blocked;
    expect(fetches[0]).toBe(false);
    expect(fetches.slice(1).every(Boolean)).toBe(true);
  });

  it("stops waiting when aborted", async () => {
    const budget = new IdentifyBudget({
      spacingMs: 0,
      fetchLimit: async () => ({ total: 1000, remaining: 0, resetAfterMs: 60_000, maxConcurrency: 1 }),
    });
    const controller = new AbortController();
    const blocked = budget.acquire(controller.signal);
    controller.abort(new Error("stopped"));
    await expect(blocked).rejects.toThrow("stopped");
  });

  it("spaces identifies by spacingMs", async () => {
    const time = clock();
    const budget = new IdentifyBudget({
      spacingMs: 20,
      now: time.now,
      fetchLimit: async () => ({ total: 1000, remaining: 10, resetAfterMs: 60_000, maxConcurrency: 1 }),
    });
    await budget.acquire();
    let second = false;
    const pending = budget.acquire().then(() => {
      second = true;
    });
    await Promise.resolve();
    expect(second).toBe(false);
    await pending;
    expect(budget.remaining).toBe(8);
  });

  it("refreshes the limit once the window has passed", async () => {
    const time = clock();
    const fetches: boolean[] = [];
    const budget = new IdentifyBudget({
      spacingMs: 0,
      now: time.now,
      fetchLimit: async (fresh) => {
        fetches.push(fresh);
        return { total: 1, remaining: 1, resetAfterMs: 1000, maxConcurrency: 1 };
      },
    });
    await budget.acquire();
    time.advance(1000);
    await budget.acquire();
    expect(fetches).toEqual([false, true]);
  });
});
