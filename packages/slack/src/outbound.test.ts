import { RateLimitError } from "@patchbay/core";
import type { FakeApp, FakeConversation, FakeInstallation, FakeWorkspace } from "@patchbay/testkit/slack";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Collector, type Harness, harness } from "./e2e.support.js";
import { threadTsOf } from "./outbound.js";
import type { SlackChannel } from "./slack-channel.js";

let h: Harness;
let team: FakeWorkspace;
let app: FakeApp;
let bot: FakeInstallation;
let chan: FakeConversation;
let channel: SlackChannel;

const to = (id: string, threadId?: string) => ({
  channel: "slack",
  accountId: "default",
  peer: { kind: "channel" as const, id },
  ...(threadId ? { threadId } : {}),
});

beforeEach(async () => {
  h = await harness({ echoBotMessages: false });
  team = h.fake.addWorkspace();
  app = h.fake.addApp();
  bot = h.fake.install(app.id, team.id);
  chan = h.fake.addChannel(team.id);
  channel = h.channel({
    botToken: bot.botToken,
    appToken: app.appToken,
    rateLimit: { maxRetries: 2, maxWaitMs: 5_000 },
  });
  await channel.start(new Collector().sink);
});

afterEach(async () => {
  await h.close();
});

describe("outbound", () => {
  it("escapes &, < and > so agent text cannot ping or forge mentions", async () => {
    await channel.send(to(chan.id), { text: "a & b <!channel> <@U123> 1 > 0" });
    expect((await h.fake.nextPost()).text).toBe("a &amp; b &lt;!channel&gt; &lt;@U123&gt; 1 &gt; 0");
  });

  it("converts markdown to mrkdwn when asked", async () => {
    await channel.send(to(chan.id), {
      text: "**bold** and [docs](https://x.test/a?b=1&c=2)",
      format: "markdown",
    });
    expect((await h.fake.nextPost()).text).toBe("*bold* and <https://x.test/a?b=1&amp;c=2|docs>");
  });

  it("splits long replies at 4000 characters and returns every message id", async () => {
    const paragraph = `${"word ".repeat(700).trim()}`;
    const text = [paragraph, paragraph, paragraph].join("\n\n");
    const sent = await channel.send(to(chan.id), { text });
    const posts = await h.fake.waitForPosts(sent.ids.length);
    expect(posts.length).toBeGreaterThanOrEqual(2);
    expect(posts.every((p) => p.text.length <= 4000)).toBe(true);
    expect(
      posts
        .map((p) => p.text)
        .join(" ")
        .replace(/\s+/g, " "),
    ).toBe(text.replace(/\s+/g, " "));
    expect(sent.ids).toEqual(posts.map((p) => `${chan.id}:${p.ts}`));
  });

  it("posts every chunk into the thread", async () => {
    const sent = await channel.send(to(chan.id, "1700000000.000100"), { text: `${"x ".repeat(2500)}` });
    const posts = await h.fake.waitForPosts(sent.ids.length);
    expect(posts.map((p) => p.threadTs)).toEqual(posts.map(() => "1700000000.000100"));
  });

  it("threads under replyToId when no thread is given", async () => {
    await channel.send(to(chan.id), { text: "re", replyToId: `${chan.id}:1700000000.000200` });
    expect((await h.fake.nextPost()).threadTs).toBe("1700000000.000200");
  });

  it("waits out a 429's Retry-After, then succeeds", async () => {
    h.fake.fail({ method: "chat.postMessage", kind: { type: "rateLimit", retryAfterSec: 1 } });
    const started = Date.now();
    const sent = await channel.send(to(chan.id), { text: "patient" });
    const waited = Date.now() - started;
    expect(sent.ids).toHaveLength(1);
    expect(h.fake.callsTo("chat.postMessage").map((c) => c.status)).toEqual([429, 200]);
    // A lower bound only: the retry did not come before Retry-After.
    expect(waited).toBeGreaterThanOrEqual(950);
  });

  it("gives up with RateLimitError when Retry-After exceeds the accepted wait, without retrying", async () => {
    h.fake.fail({ method: "chat.postMessage", kind: { type: "rateLimit", retryAfterSec: 30 } });
    const error = await channel.send(to(chan.id), { text: "later" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBe(30_000);
    expect(h.fake.callsTo("chat.postMessage")).toHaveLength(1);
    // The account stays paused: the next send fails fast instead of hitting Slack again.
    await expect(channel.send(to(chan.id), { text: "again" })).rejects.toBeInstanceOf(RateLimitError);
    expect(h.fake.callsTo("chat.postMessage")).toHaveLength(1);
  });

  it("stop() cancels a send that is waiting out a rate limit", async () => {
    const patient = h.channel({
      accountId: "patient",
      botToken: bot.botToken,
      appToken: app.appToken,
      rateLimit: { maxRetries: 3, maxWaitMs: 60_000 },
    });
    h.fake.fail({ method: "chat.postMessage", kind: { type: "rateLimit", retryAfterSec: 30 } });
    const target = { ...to(chan.id), accountId: "patient" };
    const sending = patient.send(target, { text: "never" }).catch((e: unknown) => e);
    await h.fake.waitForCalls("chat.postMessage", 1);
    await patient.stop();
    expect(await sending).toMatchObject({ code: "CONNECTION_FAILED" });
    expect(h.fake.callsTo("chat.postMessage")).toHaveLength(1);
  });

  it("keeps the ids of the chunks already posted on the error when a later chunk fails", async () => {
    h.fake.fail({ method: "chat.postMessage", after: 1, kind: { type: "error", error: "msg_too_long" } });
    const text = [`${"a ".repeat(1500)}`, `${"b ".repeat(1500)}`, `${"c ".repeat(1500)}`].join("\n\n");
    const error = await channel.send(to(chan.id), { text }).catch((e: unknown) => e);
    const [first] = await h.fake.waitForPosts(1);
    expect(error).toMatchObject({
      code: "PLATFORM_ERROR",
      message:
        'Slack account "default": chat.postMessage failed: msg_too_long (after 1 of 3 parts were sent)',
      sentIds: [`${chan.id}:${first?.ts}`],
    });
    expect(h.fake.posts).toHaveLength(1);
    expect(h.logger.records.find((r) => r.message === "Slack reply partly sent")).toMatchObject({
      level: "warn",
      fields: { sentIds: [`${chan.id}:${first?.ts}`], chunks: 3 },
    });
  });

  it("does not mark a refused token kept for later sends with one send's partial ids", async () => {
    h.fake.fail({ method: "chat.postMessage", after: 1, kind: { type: "error", error: "invalid_auth" } });
    const text = `${"a ".repeat(1500)}\n\n${"b ".repeat(1500)}`;
    const partial = await channel.send(to(chan.id), { text }).catch((e: unknown) => e);
    expect(partial).toMatchObject({ code: "AUTH_FAILED", sentIds: [expect.any(String)] });
    const later = await channel.send(to(chan.id), { text: "again" }).catch((e: unknown) => e);
    expect(later).toMatchObject({ code: "AUTH_FAILED" });
    expect(later).not.toHaveProperty("sentIds");
  });

  it("turns platform errors into PlatformError with the method", async () => {
    await expect(channel.send(to("C_NOPE"), { text: "x" })).rejects.toMatchObject({
      code: "PLATFORM_ERROR",
      method: "chat.postMessage",
      message: 'Slack account "default": chat.postMessage failed: channel_not_found',
    });
  });

  it("answers a DM peer in the DM conversation it came from", async () => {
    const ann = h.fake.addUser(team.id, { name: "ann" });
    const dm = h.fake.imWith(team.id, ann.id);
    await channel.send(
      { channel: "slack", accountId: "default", peer: { kind: "direct", id: ann.id } },
      { text: "hi" },
    );
    const post = await h.fake.nextPost();
    // Slack resolves a user id to the bot's DM with that user.
    expect(post.channel).toBe(dm.id);
    expect(post.params.channel).toBe(ann.id);
  });

  it("probe() reports the bot identity", async () => {
    const probe = await channel.probe();
    expect(probe).toMatchObject({ ok: true });
    expect(probe.identity).toContain(bot.botUserId);
    expect(probe.identity).toContain(team.id);
  });
});

describe("threadTsOf", () => {
  it("reads a ts from an envelope id or a bare ts, and rejects anything else", () => {
    expect(threadTsOf("C1:1700000000.000001")).toBe("1700000000.000001");
    expect(threadTsOf("1700000000.000001")).toBe("1700000000.000001");
    expect(threadTsOf("C1:abc")).toBeUndefined();
    expect(threadTsOf(undefined)).toBeUndefined();
  });
});
