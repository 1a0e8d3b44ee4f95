import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GatewayError } from "@patchbay/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readJsonFile, writeFileAtomic, writeJsonAtomic } from "./atomic-write.js";

describe("atomic writes", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "pb-atomic-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("creates missing dirs 0700 and files 0600, and leaves no temp file", async () => {
    const path = join(dir, "a", "b", "state.json");
    await writeJsonAtomic(path, { n: 1 });
    expect(await readJsonFile(path)).toEqual({ n: 1 });
    if (process.platform !== "win32") {
      expect((await stat(path)).mode & 0o777).toBe(0o600);
      expect((await stat(join(dir, "a", "b"))).mode & 0o777).toBe(0o700);
      expect((await stat(join(dir, "a"))).mode & 0o777).toBe(0o700);
    }
    expect(await readdir(join(dir, "a", "b"))).toEqual(["state.json"]);
  });

  it("replaces the content completely", async () => {
    const path = join(dir, "x.json");
    await writeJsonAtomic(path, { long: "x".repeat(1000) });
    await writeJsonAtomic(path, { short: true });
    expect(JSON.parse(await readFile(path, "utf8"))).toEqual({ short: true });
  });

  it("concurrent writers never leave a torn file", async () => {
    const path = join(dir, "race.json");
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => writeJsonAtomic(path, { i, pad: "y".repeat(i * 500) })),
    );
    const value = await readJsonFile<{ i: number; pad: string }>(path);
    expect(value?.pad.length).toBe((value?.i ?? -1) * 500);
    expect((await readdir(dir)).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("fails cleanly when the target is a directory and removes the temp file", async () => {
    await writeFileAtomic(join(dir, "sub", "keep"), "k");
    await expect(writeFileAtomic(join(dir, "sub"), "x")).rejects.toThrow();
    expect((await readdir(dir)).sort()).toEqual(["sub"]);
  });

  it("reads a missing file as undefined and corrupt JSON as STATE_ERROR", async () => {
    expect(await readJsonFile(join(dir, "nope.json"))).toBeUndefined();
    await writeFile(join(dir, "bad.json"), "{nope");
    const error = await readJsonFile(join(dir, "bad.json")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe("STATE_ERROR");
  });
});
