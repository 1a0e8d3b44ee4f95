import { describe, expect, it } from "vitest";
import { LaneRejectedError, SessionLanes } from "./session-lanes.js";

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("SessionLanes", () => {
  it("runs turns of one key in arrival order, one at a time", async () => {
    const lanes = new SessionLanes();
    const log: string[] = [];
    let running = 0;
    let maxRunning = 0;
    const turn = (name: string) => async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      log.push(`start ${name}`);
      await tick();
      log.push(`end ${name}`);
      running--;
      return name;
    };
    const results = await Promise.all(["a", "b", "c"].map((n) => lanes.run("k", turn(n))));
    expect(results).toEqual(["a", "b", "c"]);
    expect(log).toEqual(["start a", "end a", "start b", "end b", "start c", "end c"]);
    expect(maxRunning).toBe(1);
  });

  it("runs different keys concurrently", async () => {
    const lanes = new SessionLanes();
    const blockA = deferred();
    const a = lanes.run("a", () => blockA.promise.then(() => "a"));
    // b completes while a is still blocked.
    expect(await lanes.run("b", async () => "b")).toBe("b");
    expect(lanes.stats()).toMatchObject({ active: 1, queued: 0, lanes: 1 });
    blockA.resolve();
    expect(await a).toBe("a");
    expect(lanes.stats()).toEqual({ active: 0, queued: 0, lanes: 0, maxDepth: 0 });
  });

  it("a failing turn rejects only its own promise and the lane goes on", async () => {
    const lanes = new SessionLanes();
    const first = lanes.run("k", async () => {
      throw new Error("boom");
    });
    const second = lanes.run("k", async () => "ok");
    await expect(first).rejects.toThrow("boom");
    expect(await second).toBe("ok");
  });

  it("rejects the newest turn when a key's queue is full", async () => {
    const lanes = new SessionLanes({ maxQueuedPerKey: 2 });
    const gate = deferred();
    const running = lanes.run("k", () => gate.promise);
    const q1 = lanes.run("k", async () => 1);
    const q2 = lanes.run("k", async () => 2);
    const error = await lanes.run("k", async () => 3).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LaneRejectedError);
    expect(error).toMatchObject({ code: "RATE_LIMITED", reason: "session-full", sessionKey: "k" });
    expect(lanes.depth("k")).toBe(2);
    expect(lanes.stats().maxDepth).toBe(2);
    // Other keys are unaffected.
    expect(await lanes.run("other", async () => "free")).toBe("free");
    gate.resolve();
    await running;
    expect([await q1, await q2]).toEqual([1, 2]);
  });

  it("rejects when the total queue is full", async () => {
    const lanes = new SessionLanes({ maxQueued: 1 });
    const gate = deferred();
    const a = lanes.run("a", () => gate.promise);
    const b = lanes.run("b", () => gate.promise);
    const queued = lanes.run("a", async () => "queued");
    await expect(lanes.run("b", async () => "x")).rejects.toMatchObject({ reason: "global-full" });
    // A key with nothing running still starts at once: only waiting turns count.
    expect(await lanes.run("c", async () => "c")).toBe("c");
    gate.resolve();
    await Promise.all([a, b]);
    expect(await queued).toBe("queued");
  });

  it("drain waits for running and queued turns and refuses new ones", async () => {
    const lanes = new SessionLanes();
    const gate = deferred();
    const done: string[] = [];
    const first = lanes.run("k", async () => {
      await gate.promise;
      done.push("first");
    });
    const second = lanes.run("k", async () => {
      done.push("second");
    });
    let drained = false;
    const draining = lanes.drain().then(() => {
      drained = true;
    });
    await expect(lanes.run("z", async () => 1)).rejects.toMatchObject({
      reason: "draining",
      code: "INTERNAL",
    });
    await tick();
    expect(drained).toBe(false);
    gate.resolve();
    await draining;
    await Promise.all([first, second]);
    expect(done).toEqual(["first", "second"]);
    await new SessionLanes().drain();
  });

  it("abort signals running turns and rejects queued ones", async () => {
    const lanes = new SessionLanes();
    const running = lanes.run(
      "k",
      (signal) =>
        new Promise<string>((_, reject) => {
          const fail = () => reject(new Error("aborted by signal"));
          if (signal.aborted) fail();
          else signal.addEventListener("abort", fail);
        }),
    );
    const queued = lanes.run("k", async () => "never");
    const outcomes = Promise.allSettled([running, queued]);
    const drained = lanes.drain();
    lanes.abort();
    const [r, q] = await outcomes;
    expect(r).toMatchObject({ status: "rejected", reason: new Error("aborted by signal") });
    expect(q).toMatchObject({ status: "rejected", reason: { reason: "aborted" } });
    await drained;
    expect(lanes.stats()).toEqual({ active: 0, queued: 0, lanes: 0, maxDepth: 0 });
  });

  it("a synchronous throw inside a task is caught", async () => {
    const lanes = new SessionLanes();
    const bad = (() => {
      throw new Error("sync");
    }) as unknown as () => Promise<void>;
    await expect(lanes.run("k", bad)).rejects.toThrow("sync");
    expect(await lanes.run("k", async () => 1)).toBe(1);
  });
});
