import { appendFile, mkdir, mkdtemp, readFile, rm, rmdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRecordingLogger, GatewayError, type InboundEnvelope } from "@patchbay/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type InboundJournalOptions, journalKey, openInboundJournal } from "./inbound-journal.js";

function envelope(id: string, overrides: Partial<InboundEnvelope> = {}): InboundEnvelope {
  return {
    id,
    channel: "telegram",
    accountId: "default",
    peer: { kind: "direct", id: "123" },
    sender: { id: "123", name: "Ann", isBot: false },
    text: `hello ${id}`,
    mentionsBot: false,
    replyToBot: false,
    attachments: [],
    timestamp: 1_700_000_000_000,
    raw: { secretPayload: "RAW-SHOULD-NOT-BE-STORED" },
    ...overrides,
  };
}

describe("InboundJournal", () => {
  let stateDir: string;
  let clock: number;
  const open = (extra: Partial<InboundJournalOptions> = {}) =>
    openInboundJournal({ stateDir, fsync: false, now: () => clock, ...extra });

  beforeEach(async () => {
    stateDir = await mkdtemp(join(tmpdir(), "pb-journal-"));
    clock = 1_000_000;
  });
  afterEach(async () => {
    await rm(stateDir, { recursive: true, force: true });
  });

  it("accepts a new envelope once and reports redeliveries as duplicates", async () => {
    const journal = await open();
    expect(await journal.accept(envelope("1"))).toBe("new");
    expect(await journal.accept(envelope("1"))).toBe("duplicate");
    // Same id on another account or channel is a different message.
    expect(await journal.accept(envelope("1", { accountId: "other" }))).toBe("new");
    expect(await journal.accept(envelope("1", { channel: "discord" }))).toBe("new");
    expect(journal.stats()).toMatchObject({ pending: 3, done: 0 });
    await journal.close();
  });

  it("keys cannot be confused by separators inside ids", () => {
    const a = journalKey({ channel: "slack", accountId: "a/b", id: "c" });
    const b = journalKey({ channel: "slack", accountId: "a", id: "b/c" });
    expect(a).not.toBe(b);
  });

  it("concurrent twins: exactly one is new", async () => {
    const journal = await open();
    const results = await Promise.all([journal.accept(envelope("9")), journal.accept(envelope("9"))]);
    expect(results.sort()).toEqual(["duplicate", "new"]);
    await journal.close();
  });

  it("after a crash, pending messages replay with their sent parts and are not accepted twice", async () => {
    const first = await open();
    await first.accept(envelope("a"));
    await first.accept(envelope("b"));
    await first.accept(envelope("c"));
    await first.markSent(journalKey(envelope("a")), "alex:0", ["m-100"]);
    await first.markDone(journalKey(envelope("b")), { status: "replied" });
    await first.markDone(journalKey(envelope("c")), { status: "dropped", reason: "blocked:allowlist" });
    // No close(): the process "crashes" here.

    const second = await open();
    const pending = second.pending();
    expect(pending).toHaveLength(1);
    expect(pending[0]).toMatchObject({
      key: journalKey(envelope("a")),
      sent: { "alex:0": ["m-100"] },
      replays: 1,
      receivedAt: 1_000_000,
    });
    expect(pending[0]?.envelope.text).toBe("hello a");
    expect("raw" in (pending[0]?.envelope ?? {})).toBe(false);
    for (const id of ["a", "b", "c"]) expect(await second.accept(envelope(id))).toBe("duplicate");
    expect(second.status(journalKey(envelope("c")))).toEqual({
      state: "done",
      outcome: { status: "dropped", reason: "blocked:allowlist" },
    });

    const third = await open();
    expect(third.pending()[0]?.replays).toBe(2);
    await third.markDone(journalKey(envelope("a")), { status: "replied" });
    await third.close();

    const fourth = await open();
    expect(fourth.pending()).toEqual([]);
    expect(await fourth.accept(envelope("a"))).toBe("duplicate");
    await fourth.close();
    await first.close();
    await second.close();
  });

  it("never writes the raw platform payload", async () => {
    const journal = await open();
    await journal.accept(envelope("r"));
    await journal.close();
    const text = await readFile(journal.path, "utf8");
    expect(text).toContain("hello r");
    expect(text).not.toContain("RAW-SHOULD-NOT-BE-STORED");
  });

  it("markDone and markSent are no-ops for unknown or finished keys", async () => {
    const journal = await open();
    expect(await journal.markDone("nope", { status: "replied" })).toBe(false);
    await journal.accept(envelope("x"));
    const key = journalKey(envelope("x"));
    expect(await journal.markDone(key, { status: "replied" })).toBe(true);
    expect(await journal.markDone(key, { status: "failed", reason: "late" })).toBe(false);
    await journal.markSent(key, "late:0", ["z"]);
    expect(journal.status(key)?.outcome).toEqual({ status: "replied" });
    await journal.close();
  });

  it("forgets finished entries beyond maxEntries but keeps every pending one", async () => {
    const journal = await open({ maxEntries: 5 });
    await journal.accept(envelope("pending-old"));
    for (let i = 0; i < 20; i++) {
      await journal.accept(envelope(`m${i}`));
      await journal.markDone(journalKey(envelope(`m${i}`)), { status: "replied" });
    }
    await journal.compact();
    expect(journal.stats()).toMatchObject({ pending: 1, done: 5 });
    await journal.close();

    const reopened = await open({ maxEntries: 5 });
    expect(reopened.pending().map((p) => p.envelope.id)).toEqual(["pending-old"]);
    expect(await reopened.accept(envelope("m19"))).toBe("duplicate");
    expect(await reopened.accept(envelope("m0"))).toBe("new");
    await reopened.close();
  });

  it("forgets finished entries older than the retention window", async () => {
    const journal = await open({ retentionMs: 1000 });
    await journal.accept(envelope("old"));
    await journal.markDone(journalKey(envelope("old")), { status: "replied" });
    clock += 5000;
    await journal.accept(envelope("new"));
    await journal.markDone(journalKey(envelope("new")), { status: "replied" });
    await journal.compact();
    expect(journal.status(journalKey(envelope("old")))).toBeUndefined();
    expect(journal.status(journalKey(envelope("new")))?.state).toBe("done");
    await journal.close();
  });

  it("compacts automatically, keeping the log bounded and the state intact", async () => {
    const journal = await open({ compactEvery: 50, maxEntries: 30 });
    for (let i = 0; i < 300; i++) {
      await journal.accept(envelope(`k${i}`));
      if (i % 3 !== 0) await journal.markDone(journalKey(envelope(`k${i}`)), { status: "replied" });
    }
    await journal.close();
    // 500 records were appended; compaction must have reset the count at least once.
    expect(journal.stats().recordsSinceCompaction).toBeLessThan(300);
    const lines = (await readFile(journal.path, "utf8")).trim().split("\n");
    // 100 pending + 30 done entries, plus at most one threshold of records since the last compaction.
    expect(lines.length).toBeLessThan(130 + 2 * 130 + 1);
    const reopened = await open({ compactEvery: 50, maxEntries: 30 });
    expect(reopened.pending()).toHaveLength(100);
    expect(reopened.pending()[0]?.envelope.id).toBe("k0");
    expect(await reopened.accept(envelope("k299"))).toBe("duplicate");
    expect(await reopened.accept(envelope("k298"))).toBe("duplicate");
    await reopened.close();
  });

  it("survives a torn last line and logs it", async () => {
    const journal = await open();
    await journal.accept(envelope("ok"));
    await journal.close();
    await appendFile(journal.path, '{"t":"recv","key":"telegram/default/to');
    const logger = createRecordingLogger();
    const reopened = await open({ logger });
    expect(reopened.pending().map((p) => p.envelope.id)).toEqual(["ok"]);
    expect(logger.records.some((r) => r.level === "warn" && r.fields.corrupt === 1)).toBe(true);
    expect(await reopened.accept(envelope("after"))).toBe("new");
    await reopened.close();
    const again = await open();
    expect(again.pending().map((p) => p.envelope.id)).toEqual(["ok", "after"]);
    await again.close();
  });

  it("a failed write is a STATE_ERROR and the envelope is not remembered (so the redelivery is new)", async () => {
    const journal = await open();
    await mkdir(journal.path, { recursive: true }); // the log path is now a directory: writes fail
    const error = await journal.accept(envelope("w")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe("STATE_ERROR");
    expect(journal.status(journalKey(envelope("w")))).toBeUndefined();
    await rmdir(journal.path);
    expect(await journal.accept(envelope("w"))).toBe("new");
    await journal.close();
  });
});
