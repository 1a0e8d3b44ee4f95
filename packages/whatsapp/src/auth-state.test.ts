import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { authFileName, openAuthStore } from "./auth-state.js";

describe("auth store", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "patchbay-wa-auth-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("names files like Baileys' multi-file auth state and never lets an id escape the folder", () => {
    expect(authFileName("creds")).toBe("creds.json");
    expect(authFileName("session", "15550001111.0")).toBe("session-15550001111.0.json");
    expect(authFileName("lid-mapping", "1555:2@s.whatsapp.net")).toBe(
      "lid-mapping-1555-2@s.whatsapp.net.json",
    );
    expect(authFileName("sender-key", "../../etc/passwd")).toBe("sender-key-..__..__etc__passwd.json");
    expect(() => authFileName("session", "a\\b")).toThrow();
  });

  it("round-trips credentials and keys (Buffers included) with owner-only modes", async () => {
    const account = join(dir, "acct");
    const store = await openAuthStore(account);
    expect(store.linked).toBe(false);
    await store.saveCreds();
    await store.state.keys.set({
      "pre-key": { "1": { public: Buffer.from([1, 2]), private: Buffer.from([3, 4]) } },
    });
    await store.flush();
    const again = await openAuthStore(account);
    expect(again.state.creds.noiseKey.public).toEqual(store.state.creds.noiseKey.public);
    const keys = await again.state.keys.get("pre-key", ["1", "2"]);
    expect(Buffer.from(keys["1"]?.private ?? [])).toEqual(Buffer.from([3, 4]));
    expect(keys["2"]).toBeUndefined();
    expect((await stat(account)).mode & 0o777).toBe(0o700);
    for (const name of await readdir(account))
      expect((await stat(join(account, name))).mode & 0o777).toBe(0o600);
    expect(await readFile(join(account, "creds.json"), "utf8")).toContain('"type":"Buffer"');

    await store.state.keys.set({ "pre-key": { "1": null } });
    expect(await store.state.keys.get("pre-key", ["1"])).toEqual({});
  });

  it("tightens a folder copied in with loose permissions (e.g. from OpenClaw)", async () => {
    const account = join(dir, "copied");
    await mkdir(account, { mode: 0o755 });
    await writeFile(join(account, "session-1.0.json"), "{}", { mode: 0o644 });
    await chmod(account, 0o755);
    await openAuthStore(account);
    expect((await stat(account)).mode & 0o777).toBe(0o700);
    expect((await stat(join(account, "session-1.0.json"))).mode & 0o777).toBe(0o600);
  });
});
