import { appendFile, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { JsonlWriter, readJsonl, readJsonlTail } from "./jsonl.js";

describe("JsonlWriter", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "pb-jsonl-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("appends records in call order, even when fired concurrently", async () => {
    const path = join(dir, "nested", "log.jsonl");
    const writer = new JsonlWriter(path);
    await Promise.all(Array.from({ length: 200 }, (_, i) => writer.append({ i, text: "line\nbreak" })));
    await writer.close();
    const { records, corrupt } = await readJsonl<{ i: number; text: string }>(path);
    expect(corrupt).toBe(0);
    expect(records.map((r) => r.i)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(records[0]?.text).toBe("line\nbreak");
    if (process.platform !== "win32") expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it("ends a torn last line before appending, so only the torn record is lost", async () => {
    const path = join(dir, "torn.jsonl");
    await writeFile(path, '{"a":1}\n{"a":2,"tor');
    const writer = new JsonlWriter(path, { fsync: false });
    await writer.append({ a: 3 });
    await writer.close();
    const { records, corrupt } = await readJsonl<{ a: number }>(path);
    expect(records).toEqual([{ a: 1 }, { a: 3 }]);
    expect(corrupt).toBe(1);
  });

  it("exclusive() runs with no write in flight and later appends reopen the file", async () => {
    const path = join(dir, "x.jsonl");
    const writer = new JsonlWriter(path);
    void writer.append({ n: 1 });
    const seen = await writer.exclusive(async () => {
      const text = await readFile(path, "utf8");
      await writeFile(path, '{"n":0}\n');
      return text;
    });
    expect(seen).toBe('{"n":1}\n');
    await writer.append({ n: 2 });
    await writer.close();
    expect((await readJsonl(path)).records).toEqual([{ n: 0 }, { n: 2 }]);
  });

  it("rejects appends when the file cannot be opened, then recovers", async () => {
    const blocker = join(dir, "blocker");
    await writeFile(blocker, "not a dir");
    const bad = new JsonlWriter(join(blocker, "x.jsonl"));
    await expect(bad.append({ n: 1 })).rejects.toThrow();
    const good = new JsonlWriter(join(dir, "ok.jsonl"));
    await good.append({ n: 1 });
    await good.close();
  });
});

describe("readJsonlTail", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "pb-tail-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("returns the last records of a file larger than one read chunk", async () => {
    const path = join(dir, "big.jsonl");
    const lines = Array.from({ length: 3000 }, (_, i) => JSON.stringify({ i, pad: "z".repeat(50) }));
    await writeFile(path, `${lines.join("\n")}\n`);
    const { records } = await readJsonlTail<{ i: number }>(path, 5);
    expect(records.map((r) => r.i)).toEqual([2995, 2996, 2997, 2998, 2999]);
    const all = await readJsonlTail<{ i: number }>(path, 10_000);
    expect(all.records).toHaveLength(3000);
    expect(all.records[0]?.i).toBe(0);
  });

  it("handles missing files, small limits and multi-byte text", async () => {
    expect((await readJsonlTail(join(dir, "none.jsonl"), 3)).records).toEqual([]);
    const path = join(dir, "u.jsonl");
    await appendFile(path, `${JSON.stringify({ t: "é🎉".repeat(40_000) })}\n${JSON.stringify({ t: "b" })}\n`);
    expect((await readJsonlTail<{ t: string }>(path, 1)).records).toEqual([{ t: "b" }]);
    expect((await readJsonlTail<{ t: string }>(path, 2)).records[0]?.t).toBe("é🎉".repeat(40_000));
    expect((await readJsonlTail(path, 0)).records).toEqual([]);
  });
});
