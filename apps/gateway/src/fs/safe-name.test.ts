import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { isSafeFileName, safeFileName } from "./safe-name.js";

const hostile = [
  "../../x",
  "..",
  ".",
  "",
  "/etc/passwd",
  "..\\..\\windows",
  "a\u0000b",
  "con",
  "  ",
  "agent:main:whatsapp:direct:+15551230001",
  "120363025246125486@g.us",
  "ünïcödé 🎉",
  "x".repeat(5000),
  "é".repeat(300),
];

describe("safeFileName", () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it.each(hostile)("never produces a path-like or oversize name for %j", (id) => {
    const name = safeFileName(id);
    expect(name).not.toMatch(/[/\\]/);
    expect(name.includes("\u0000")).toBe(false);
    expect(name).not.toContain("..");
    expect(name).not.toBe(".");
    expect(Buffer.byteLength(name)).toBeLessThanOrEqual(200);
    expect(isSafeFileName(name)).toBe(true);
  });

  it("keeps a readable slug and is deterministic", () => {
    const name = safeFileName("agent:main:whatsapp:direct:+15551230001");
    expect(name).toMatch(/^agent_main_whatsapp_direct_15551230001-[0-9a-f]{16}$/);
    expect(safeFileName("agent:main:whatsapp:direct:+15551230001")).toBe(name);
  });

  it("gives ids that slug alike different names (including case-only differences)", () => {
    const ids = ["a/b", "a:b", "a_b", "a b", "A:b", "a..b", "a\\b"];
    const names = new Set(ids.map(safeFileName));
    expect(names.size).toBe(ids.length);
    const lower = new Set(ids.map((id) => safeFileName(id).toLowerCase()));
    expect(lower.size).toBe(ids.length);
  });

  it("keeps a traversal id inside its folder on a real filesystem", async () => {
    dir = await mkdtemp(join(tmpdir(), "pb-safe-"));
    const path = join(dir, `${safeFileName("../../x")}.json`);
    expect(resolve(path).startsWith(`${resolve(dir)}/`)).toBe(true);
    await writeFile(path, "{}");
    expect(await readdir(dir)).toEqual([`${safeFileName("../../x")}.json`]);
  });

  it("isSafeFileName rejects traversal and separators", () => {
    for (const bad of ["..", "../x", "a/b", "a\\b", ".hidden", "", "a\u0000"]) {
      expect(isSafeFileName(bad)).toBe(false);
    }
    expect(isSafeFileName("abc-0123.jsonl")).toBe(true);
  });
});
