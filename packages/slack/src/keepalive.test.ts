import { sleep } from "@patchbay/core";
import { afterEach, describe, expect, it } from "vitest";
import { Collector, type Harness, harness } from "./e2e.support.js";

let h: Harness | undefined;

afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** A channel whose SDK pings every 100 ms and gives up after four unanswered pings. */
async function quietChannel(answerPings: boolean) {
  h = await harness({ pingIntervalMs: 100, answerPings });
  const team = h.fake.addWorkspace();
  const app = h.fake.addApp();
  const bot = h.fake.install(app.id, team.id);
  const channel = h.channel({
    botToken: bot.botToken,
    appToken: app.appToken,
    socket: { clientPingTimeoutMs: 300, serverPingTimeoutMs: 1_000, helloTimeoutMs: 3_000 },
  });
  await channel.start(new Collector().sink);
  return { h, app, channel };
}

describe("Socket Mode keep-alive (undici 7 as a direct dependency, libraries.md §3)", () => {
  it("pings and gets pongs, so a quiet connection is not torn down", async () => {
    const { h, app, channel } = await quietChannel(true);
    await sleep(1_500);
    expect(h.fake.socketsOpened(app.id)).toBe(1);
    expect(channel.health()).toMatchObject({ state: "ready", reconnects: 0 });
    expect(h.logger.records.filter((r) => /ping|pong/i.test(r.message))).toEqual([]);
  });

  it("control: a connection whose pongs stop is replaced (so the test above can fail)", async () => {
    const { h, app } = await quietChannel(false);
    await h.fake.waitForSockets(app.id, { opened: 2 }, 3_000);
    expect(h.logger.records.some((r) => r.message.includes("pong wasn't received"))).toBe(true);
  });
});
