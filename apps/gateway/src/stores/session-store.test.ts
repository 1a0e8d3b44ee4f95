import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createRecordingLogger, GatewayError } from "@patchbay/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  openSessionStore,
  SessionScopeError,
  type SessionStoreOptions,
  type TranscriptEntry,
} from "./session-store.js";

const route = {
  channel: "whatsapp",
  accountId: "default",
  peer: { kind: "direct" as const, id: "+15551230001" },
};
const user = (text: string, at = 1): TranscriptEntry => ({ role: "user", text, at });

describe("SessionStore", () => {
  let stateDir: string;
  const open = (agentId: string, extra: Partial<SessionStoreOptions> = {}) =>
    openSessionStore({ stateDir, agentId, now: () => 5000, ...extra });

  beforeEach(async () => {
    stateDir = await mkdtemp(join(tmpdir(), "pb-sessions-"));
  });
  afterEach(async () => {
    await rm(stateDir, { recursive: true, force: true });
  });

  it("records every one of many sessions created at once in sessions.json (coalesced index writes)", async () => {
    const store = await open("alex");
    const keys = Array.from({ length: 60 }, (_, i) => `agent:alex:telegram:direct:${i}`);
    await Promise.all(keys.map((key) => store.append(key, user(`from ${key}`))));
    await store.close();
    const index = JSON.parse(
      await readFile(join(stateDir, "agents", "alex", "sessions", "sessions.json"), "utf8"),
    );
    expect(Object.keys(index).sort()).toEqual([...keys].sort());
    const reopened = await open("alex");
    expect(reopened.list()).toHaveLength(60);
    await reopened.close();
  });

  it("serves history from memory exactly as the transcript on disk has it", async () => {
    const store = await open("alex");
    const key = "agent:alex:telegram:direct:7";
    for (let i = 0; i < 60; i++) await store.append(key, user(`line ${i}`, i));
    const fromMemory = await store.history(key, { limit: 50 });
    fromMemory[0]!.text = "mutated by a caller";
    const again = await store.history(key, { limit: 50 });
    await store.close();
    const reopened = await open("alex");
    const fromDisk = await reopened.history(key, { limit: 50 });
    expect(again).toEqual(fromDisk);
    expect(fromDisk.map((e) => e.text)).toEqual(Array.from({ length: 50 }, (_, i) => `line ${i + 10}`));
    await reopened.append(key, user("after reopen", 99));
    expect((await reopened.history(key, { limit: 2 })).map((e) => e.text)).toEqual([
      "line 59",
      "after reopen",
    ]);
    await reopened.close();
  });

  it("appends to a per-session JSONL transcript and lists it in sessions.json", async () => {
    const store = await open("alex");
    const key = "agent:alex:whatsapp:direct:+15551230001";
    await store.append(key, user("hi"), route);
    await store.append(key, { role: "assistant", text: "[alex] hi", at: 2 });
    expect((await store.history(key)).map((e) => e.text)).toEqual(["hi", "[alex] hi"]);
    await store.close();

    const dir = join(stateDir, "agents", "alex", "sessions");
    const index = JSON.parse(await readFile(join(dir, "sessions.json"), "utf8"));
    expect(index[key]).toMatchObject({ channel: "whatsapp", lastRoute: route, messages: 2, updatedAt: 5000 });
    expect(index[key].file).toMatch(
      /^agent_alex_whatsapp_direct_15551230001-[0-9a-f]{16}\.[0-9a-f-]{36}\.jsonl$/,
    );
    expect(index[key].file).toContain(index[key].sessionId);
    const lines = (await readFile(join(dir, index[key].file), "utf8")).trim().split("\n");
    expect(lines.map((l) => JSON.parse(l).text)).toEqual(["hi", "[alex] hi"]);
    if (process.platform !== "win32") {
      expect((await stat(join(dir, index[key].file))).mode & 0o777).toBe(0o600);
      expect((await stat(dir)).mode & 0o777).toBe(0o700);
    }

    const reopened = await open("alex");
    expect(reopened.get(key)?.sessionId).toBe(index[key].sessionId);
    expect((await reopened.history(key, { limit: 1 })).map((e) => e.text)).toEqual(["[alex] hi"]);
    await reopened.close();
  });

  it("refuses keys of another agent, malformed keys and bad agent ids", async () => {
    const alex = await open("alex");
    const mia = await open("mia");
    await mia.append("agent:mia:main", user("secret of mia"));
    for (const key of [
      "agent:mia:main",
      "agent:alexander:main",
      "agent:alex",
      "agent:alex:",
      "main",
      "alex:main",
    ]) {
      await expect(alex.history(key)).rejects.toBeInstanceOf(SessionScopeError);
      await expect(alex.append(key, user("x"))).rejects.toBeInstanceOf(SessionScopeError);
      expect(() => alex.get(key)).toThrow(SessionScopeError);
    }
    expect(alex.list()).toEqual([]);
    // Case-insensitive prefix, as core's parser reads keys.
    await alex.append("AGENT:Alex:main", user("ok"));
    await expect(openSessionStore({ stateDir, agentId: "../mia" })).rejects.toBeInstanceOf(GatewayError);
    await expect(openSessionStore({ stateDir, agentId: "Alex" })).rejects.toBeInstanceOf(GatewayError);
    await alex.close();
    await mia.close();
  });

  it("keeps a hostile peer id inside the agent's sessions folder", async () => {
    const store = await open("alex");
    const key = "agent:alex:telegram:direct:../../../../x";
    await store.append(key, user("boo"));
    await store.close();
    const dir = join(stateDir, "agents", "alex", "sessions");
    const files = await readdir(dir);
    expect(files).toHaveLength(2);
    for (const file of files) expect(resolve(dir, file).startsWith(`${resolve(dir)}/`)).toBe(true);
    expect(await readdir(stateDir)).toEqual(["agents"]);
  });

  it("ignores index entries that point outside the folder or at another agent", async () => {
    const dir = join(stateDir, "agents", "alex", "sessions");
    await mkdir(dir, { recursive: true });
    await writeFile(join(stateDir, "agents", "stolen.jsonl"), `${JSON.stringify(user("not yours"))}\n`);
    const bad = { sessionId: "s", file: "../../stolen.jsonl", createdAt: 1, updatedAt: 1, messages: 1 };
    await writeFile(
      join(dir, "sessions.json"),
      JSON.stringify({ "agent:alex:main": bad, "agent:mia:main": { ...bad, file: "ok.jsonl" } }),
    );
    const logger = createRecordingLogger();
    const store = await open("alex", { logger });
    expect(await store.history("agent:alex:main")).toEqual([]);
    expect(store.list()).toEqual([]);
    expect(logger.records.filter((r) => r.level === "warn")).toHaveLength(2);
    await store.close();
  });

  it("concurrent first appends create one session and keep every line", async () => {
    const store = await open("alex");
    const key = "agent:alex:main";
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.append(key, user(`m${i}`, i))));
    expect(store.list()).toHaveLength(1);
    expect((await store.history(key, { limit: 100 })).map((e) => e.text)).toEqual(
      Array.from({ length: 20 }, (_, i) => `m${i}`),
    );
    await store.close();
  });

  it("keeps per-session order when transcripts are evicted from the open-file LRU", async () => {
    const store = await open("alex", { maxOpenFiles: 2 });
    const keys = ["a", "b", "c", "d"].map((s) => `agent:alex:${s}`);
    const writes: Promise<void>[] = [];
    for (let i = 0; i < 25; i++) for (const key of keys) writes.push(store.append(key, user(`${i}`)));
    await Promise.all(writes);
    for (const key of keys) {
      expect((await store.history(key, { limit: 100 })).map((e) => e.text)).toEqual(
        Array.from({ length: 25 }, (_, i) => `${i}`),
      );
    }
    await store.close();
  });

  it("reset starts a new transcript and keeps the old file", async () => {
    const store = await open("alex");
    const key = "agent:alex:main";
    await store.append(key, user("before"), route);
    const before = store.get(key);
    const fresh = await store.reset(key);
    expect(fresh?.sessionId).not.toBe(before?.sessionId);
    expect(fresh?.lastRoute).toEqual(route);
    expect(await store.history(key)).toEqual([]);
    await store.append(key, user("after"));
    expect((await store.history(key)).map((e) => e.text)).toEqual(["after"]);
    expect(await store.reset("agent:alex:none")).toBeUndefined();
    await store.close();
    expect(await readdir(join(stateDir, "agents", "alex", "sessions"))).toHaveLength(3);
    await expect(store.append(key, user("closed"))).rejects.toMatchObject({ code: "STATE_ERROR" });
  });

  it("history of an unknown session is empty", async () => {
    const store = await open("alex");
    expect(await store.history("agent:alex:nobody")).toEqual([]);
    await store.close();
  });
});
