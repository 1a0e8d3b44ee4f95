import { describe, expect, it } from "vitest";
import { PaceWindows, SendScheduler } from "./pacing.js";

const limits = { perChatIntervalMs: 1000, groupPerMinute: 20, globalPerSecond: 30 };

describe("PaceWindows (fake clock)", () => {
  it("spaces messages to one chat by perChatIntervalMs", () => {
    const windows = new PaceWindows(limits);
    expect(windows.delayFor("dm", false, 0)).toBe(0);
    windows.record("dm", false, 0);
    expect(windows.delayFor("dm", false, 400)).toBe(600);
    expect(windows.delayFor("other", false, 400)).toBe(0);
    expect(windows.delayFor("dm", false, 1000)).toBe(0);
  });

  it("allows 20 messages per rolling minute to a group, then waits for the oldest to age out", () => {
    const windows = new PaceWindows(limits);
    for (let i = 0; i < 20; i++) {
      const now = i * 1000;
      expect(windows.delayFor("g", true, now)).toBe(0);
      windows.record("g", true, now);
    }
    expect(windows.delayFor("g", true, 20_000)).toBe(40_000);
    expect(windows.delayFor("g", true, 60_000)).toBe(0);
    // The same volume to a DM is only paced per second.
    const dm = new PaceWindows(limits);
    for (let i = 0; i < 20; i++) dm.record("dm", false, i * 1000);
    expect(dm.delayFor("dm", false, 20_000)).toBe(0);
  });

  it("caps the whole bot at globalPerSecond across chats", () => {
    const windows = new PaceWindows(limits);
    for (let i = 0; i < 30; i++) windows.record(`chat${i}`, false, 100);
    expect(windows.delayFor("chat-new", false, 500)).toBe(600);
    expect(windows.delayFor("chat-new", false, 1100)).toBe(0);
  });
});

describe("SendScheduler", () => {
  it("runs jobs for one chat one after another, in order", async () => {
    const stop = new AbortController();
    const scheduler = new SendScheduler(
      { perChatIntervalMs: 0, groupPerMinute: 100, globalPerSecond: 100 },
      { now: Date.now, signal: stop.signal },
    );
    const events: string[] = [];
    const job = (name: string) => async (pace: () => Promise<void>) => {
      await pace();
      events.push(`${name}:start`);
      await new Promise((r) => setTimeout(r, 5));
      events.push(`${name}:end`);
    };
    await Promise.all([scheduler.run("a", false, job("1")), scheduler.run("a", false, job("2"))]);
    expect(events).toEqual(["1:start", "1:end", "2:start", "2:end"]);
  });

  it("rejects waiting jobs when stopped", async () => {
    const stop = new AbortController();
    const scheduler = new SendScheduler(limits, { now: Date.now, signal: stop.signal });
    await scheduler.run("a", false, (pace) => pace());
    const waiting = scheduler.run("a", false, (pace) => pace());
    stop.abort(new Error("stopped"));
    await expect(waiting).rejects.toThrow("stopped");
    await scheduler.drain();
  });
});
