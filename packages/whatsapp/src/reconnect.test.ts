import { cp } from "node:fs/promises";
import { basename } from "node:path";
import type { AccountHealth, HealthState } from "@patchbay/core";
import { waitFor } from "@patchbay/testkit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createHarness, type Harness, recordingSink } from "./test-support.js";

const BOT = "15550001111";
const ALICE = "15550002222";

/** Long enough for several reconnect attempts at the test backoff (20-100 ms). */
const settle = () => new Promise((r) => setTimeout(r, 300));

describe("WhatsApp disconnects, each handled on purpose", () => {
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

  it("logged out (401): needs-login and no retry loop", async () => {
    const channel = await h.linkedChannel(BOT, { onHealthChange });
    await channel.start(async () => {});
    const attempts = h.fake.loginAttempts(BOT);
    h.fake.disconnect(BOT, { kind: "logged-out" });
    await waitFor(() => channel.health().state === "needs-login", { what: "needs-login" });
    await settle();
    expect(h.fake.loginAttempts(BOT)).toBe(attempts);
    expect(channel.health()).toMatchObject({ state: "needs-login", reason: expect.stringContaining("401") });
    expect(states).toEqual(["ready", "needs-login"]);
  });

  it("a login the server refuses (401) is needs-login at start, without retries", async () => {
    const channel = await h.linkedChannel(BOT, { accountId: "one" });
    await channel.start(async () => {});
    h.fake.disconnect(BOT, { kind: "logged-out" });
    await waitFor(() => channel.health().state === "needs-login", { what: "needs-login" });
    await channel.stop();
    const again = h.channel("one");
    await expect(again.start(async () => {})).rejects.toMatchObject({ code: "AUTH_FAILED" });
    await settle();
    expect(h.fake.loginAttempts(BOT)).toBe(2);
  });

  it.each([403, 411])("refused by WhatsApp (%i): needs-login and no retry loop", async (code) => {
    const channel = await h.linkedChannel(BOT, { onHealthChange });
    await channel.start(async () => {});
    h.fake.disconnect(BOT, { kind: "stream-error", code });
    await waitFor(() => channel.health().state === "needs-login", { what: "needs-login" });
    await settle();
    expect(h.fake.loginAttempts(BOT)).toBe(1);
    expect(channel.health().reason).toContain(String(code));
    expect(states).toEqual(["ready", "needs-login"]);
  });

  it("a login WhatsApp refuses with 403 fails start() with AUTH_FAILED, once", async () => {
    h.fake.refuseLogins(BOT, 403);
    const channel = await h.linkedChannel(BOT);
    await expect(channel.start(async () => {})).rejects.toMatchObject({ code: "AUTH_FAILED" });
    expect(channel.health()).toMatchObject({ state: "needs-login", reason: expect.stringContaining("403") });
    await settle();
    expect(h.fake.loginAttempts(BOT)).toBe(1);
  });

  it("replaced (440): stops and reports, never fights the other session", async () => {
    const first = await h.linkedChannel(BOT, { accountId: "first", onHealthChange });
    await first.start(async () => {});
    // Skips the auth store's in-flight temp files (dot files), which may be renamed away mid-copy.
    await cp(h.authDir("first"), h.authDir("second"), {
      recursive: true,
      filter: (source) => !basename(source).startsWith("."),
    });
    const second = h.channel("second");
    await second.start(async () => {});
    await waitFor(() => first.health().state === "replaced", { what: "replaced" });
    await settle();
    expect(second.health().state).toBe("ready");
    expect(h.fake.connectionOf(BOT)).toBeDefined();
    expect(h.fake.loginAttempts(BOT)).toBe(2);
    expect(first.health().reason).toContain("440");
    expect(states).toEqual(["ready", "replaced"]);
  });

  it("restart required (515): reconnects at once and is ready again", async () => {
    const channel = await h.linkedChannel(BOT, { onHealthChange });
    await channel.start(async () => {});
    h.fake.disconnect(BOT, { kind: "restart-required" });
    await waitFor(() => h.fake.loginAttempts(BOT) === 2 && channel.health().state === "ready", {
      what: "second login",
    });
    expect(channel.health().reconnects).toBe(1);
  });

  it.each([408, 428, 499, 500, 503])(
    "transient stream error %i: degraded, reconnects with backoff, ready again",
    async (code) => {
      const alice = h.fake.addContact(ALICE);
      const channel = await h.linkedChannel(BOT, { onHealthChange });
      const inbox = recordingSink();
      await channel.start(inbox.sink);
      h.fake.disconnect(BOT, { kind: "stream-error", code });
      await waitFor(() => states.at(-1) === "ready" && states.includes("degraded"), {
        what: "ready after degraded",
      });
      expect(states).toEqual(["ready", "degraded", "ready"]);
      await alice.say(BOT, `after ${code}`);
      expect((await inbox.next()).text).toBe(`after ${code}`);
      // One new socket and no stray reconnect timer: no disconnect loop follows (OpenClaw #60337).
      await settle();
      expect(h.fake.loginAttempts(BOT)).toBe(2);
      expect(h.fake.connections.filter((c) => c.open)).toHaveLength(1);
    },
  );

  it("a dropped connection mid-conversation loses nothing: messages sent meanwhile arrive after the reconnect", async () => {
    const alice = h.fake.addContact(ALICE, { name: "Alice" });
    const channel = await h.linkedChannel(BOT, {
      onHealthChange,
      reconnect: { initialMs: 150, maxMs: 150, jitter: 0 },
    });
    const inbox = recordingSink();
    await channel.start(inbox.sink);
    await alice.say(BOT, "one");
    await inbox.next();
    h.fake.disconnect(BOT, { kind: "drop" });
    await waitFor(() => channel.health().state === "degraded", { what: "degraded" });
    await alice.say(BOT, "two, while you were away");
    expect(await inbox.next()).toMatchObject({ text: "two, while you were away", peer: { id: `+${ALICE}` } });
    expect(channel.health()).toMatchObject({ state: "ready", reconnects: 1 });
    await channel.send(
      { channel: "whatsapp", accountId: channel.accountId, peer: { kind: "direct", id: `+${ALICE}` } },
      { text: "back" },
    );
    expect((await h.fake.waitForSent((r) => r.text === "back")).recipient).toBe(ALICE);
  });

  it("processes a message delivered twice only once", async () => {
    const alice = h.fake.addContact(ALICE);
    const channel = await h.linkedChannel(BOT);
    const inbox = recordingSink();
    await channel.start(inbox.sink);
    const { id } = await alice.say(BOT, "only once", { deliverTwice: true });
    await alice.say(BOT, "next");
    await waitFor(() => inbox.envelopes.some((e) => e.text === "next"), { what: "next" });
    await settle();
    expect(inbox.envelopes.filter((e) => e.id === id)).toHaveLength(1);
    expect(inbox.envelopes).toHaveLength(2);
  });
});
