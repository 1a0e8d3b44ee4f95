// Load shapes of the pipeline benchmark, over any "driver": something that makes user N say a
// text to the gateway, a stopwatch that sees the gateway's sink and send calls, and reply waiters.
import { performance } from "node:perf_hooks";
import type { Stopwatch } from "./channels.js";
import { percentile, type Replies, sleep } from "./support.js";

export interface Driver {
  /** How many distinct users (one session each) the driver can write as. */
  users: number;
  send(user: number, text: string): unknown;
  stopwatch: Stopwatch;
  replies: Replies;
  /** True when the gateway has no turn running or queued (its session lanes are empty). */
  idle(): boolean;
}

export interface Measured {
  messages: number;
  elapsedMs: number;
  /** Added-latency samples, milliseconds. */
  samples: number[];
  /** Process CPU time (user + system) per message, microseconds. */
  cpuMicros: number;
}

export const rate = (m: Measured) => m.messages / (m.elapsedMs / 1000);
export const p = (m: Measured, q: number) => percentile(m.samples, q);

let nextTag = 1;

/** Sends one tagged message as `user` and resolves when its reply has been sent by the gateway. */
async function roundTrip(driver: Driver, user: number): Promise<void> {
  const tag = nextTag++;
  const reply = driver.replies.expect(tag);
  await driver.send(user, `hello from user ${user} #${tag}`);
  await reply;
}

async function measure(driver: Driver, messages: number, run: () => Promise<void>): Promise<Measured> {
  driver.stopwatch.reset();
  const cpu = process.cpuUsage();
  const started = performance.now();
  await run();
  const elapsedMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return {
    messages,
    elapsedMs,
    samples: driver.stopwatch.samples,
    cpuMicros: (used.user + used.system) / messages,
  };
}

/** Users `from`..`to-1` each send `perUser` messages, the next once the reply to the previous came. */
export function closedLoop(driver: Driver, from: number, to: number, perUser: number): Promise<Measured> {
  return measure(driver, (to - from) * perUser, async () => {
    await Promise.all(
      Array.from({ length: to - from }, async (_, i) => {
        for (let k = 0; k < perUser; k++) await roundTrip(driver, from + i);
      }),
    );
  });
}

/** One message in flight at a time, always from user 0: nothing queues behind anything. */
export function oneAtATime(driver: Driver, messages: number): Promise<Measured> {
  return closedLoop(driver, 0, 1, messages);
}

/** Users `from`..`to-1` (new sessions) each send one message, all at once. */
export function burst(driver: Driver, from: number, to: number): Promise<Measured> {
  return measure(driver, to - from, async () => {
    await Promise.all(Array.from({ length: to - from }, (_, i) => roundTrip(driver, from + i)));
  });
}

/**
 * Open loop: `perSecond` messages a second for `seconds`, spread over the users round-robin, sent
 * on schedule whether or not earlier replies came back (how real traffic arrives).
 */
export function openLoop(driver: Driver, perSecond: number, seconds: number): Promise<Measured> {
  const total = Math.max(1, Math.round(perSecond * seconds));
  return measure(driver, total, async () => {
    const started = performance.now();
    const pending: Promise<void>[] = [];
    let sent = 0;
    while (sent < total) {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * perSecond) + 1);
      for (; sent < due; sent++) pending.push(roundTrip(driver, sent % driver.users));
      await sleep(1);
    }
    await Promise.all(pending);
  });
}

/**
 * Waits until the gateway has no turn running or queued, so the next phase does not pay for the
 * previous one's leftovers; returns how long that took.
 */
export async function settle(driver: Driver, timeoutMs = 120_000): Promise<number> {
  const started = performance.now();
  while (!driver.idle()) {
    if (performance.now() - started > timeoutMs)
      throw new Error(`the gateway was still busy after ${timeoutMs} ms`);
    await sleep(2);
  }
  return performance.now() - started;
}
