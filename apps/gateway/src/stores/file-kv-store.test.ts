import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DedupeWindow } from "@patchbay/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FileKeyValueStore, openFileKeyValueStore, prefixedStore } from "./file-kv-store.js";

describe("FileKeyValueStore", () => {
  let stateDir: string;
  beforeEach(async () => {
    stateDir = await mkdtemp(join(tmpdir(), "pb-kv-"));
  });
  afterEach(async () => {
    await rm(stateDir, { recursive: true, force: true });
  });

  it("round-trips JSON values and survives a new instance (restart)", async () => {
    const store = openFileKeyValueStore(stateDir);
    await store.set("telegram:default:offset", 42);
    await store.set("dedupe", new DedupeWindow(3, ["a", "b"]).toJSON());
    expect(await store.get<number>("telegram:default:offset")).toBe(42);

    const again = openFileKeyValueStore(stateDir);
    expect(await again.get<number>("telegram:default:offset")).toBe(42);
    expect(DedupeWindow.from(await again.get("dedupe")).has("b")).toBe(true);
    expect(await again.get("missing")).toBeUndefined();
  });

  it("stores each key in its own safely named file under state/kv", async () => {
    const store = openFileKeyValueStore(stateDir);
    await store.set("../../escape", { x: 1 });
    const files = await readdir(join(stateDir, "state", "kv"));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^escape-[0-9a-f]{16}\.json$/);
    expect(JSON.parse(await readFile(store.pathFor("../../escape"), "utf8"))).toEqual({
      key: "../../escape",
      value: { x: 1 },
    });
  });

  it("returns copies, so mutating a result never changes the stored value", async () => {
    const store = new FileKeyValueStore(join(stateDir, "kv"));
    await store.set("k", { list: [1] });
    const value = await store.get<{ list: number[] }>("k");
    value?.list.push(2);
    expect(await store.get("k")).toEqual({ list: [1] });
  });

  it("serialises writes per key: the last call wins", async () => {
    const store = openFileKeyValueStore(stateDir);
    await Promise.all(Array.from({ length: 30 }, (_, i) => store.set("counter", i)));
    expect(await store.get("counter")).toBe(29);
    expect(await openFileKeyValueStore(stateDir).get("counter")).toBe(29);
  });

  it("delete removes the file; deleting a missing key is fine; set(undefined) deletes", async () => {
    const store = openFileKeyValueStore(stateDir);
    await store.set("a", 1);
    await store.delete("a");
    await store.delete("never");
    expect(await store.get("a")).toBeUndefined();
    await store.set("b", 2);
    await store.set("b", undefined);
    expect(await openFileKeyValueStore(stateDir).get("b")).toBeUndefined();
    expect(await readdir(join(stateDir, "state", "kv"))).toEqual([]);
  });

  it("rejects values that are not JSON-serialisable", async () => {
    const store = openFileKeyValueStore(stateDir);
    await expect(store.set("f", () => 1)).rejects.toMatchObject({ code: "STATE_ERROR" });
  });

  it("prefixedStore keeps accounts apart", async () => {
    const store = openFileKeyValueStore(stateDir);
    const a = prefixedStore(store, "telegram:a");
    const b = prefixedStore(store, "telegram:b");
    await a.set("offset", 1);
    await b.set("offset", 2);
    expect(await a.get("offset")).toBe(1);
    expect(await store.get("telegram:b:offset")).toBe(2);
  });
});
