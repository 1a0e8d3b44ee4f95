import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  PAIRING_CODE_ALPHABET,
  PAIRING_CODE_LENGTH,
  PAIRING_MAX_PENDING,
  PAIRING_TTL_MS,
} from "./constants.js";
import { createPairingStore, type PairingStoreOptions } from "./store.js";

const CODE = new RegExp(`^[${PAIRING_CODE_ALPHABET}]{${PAIRING_CODE_LENGTH}}$`);

function clock(start = Date.parse("2026-05-01T10:00:00.000Z")) {
  const state = { t: start };
  const advance = (ms: number) => {
    state.t += ms;
  };
  return { now: () => state.t, advance, state };
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "patchbay-pairing-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

// The same behaviour must hold in memory and on disk.
describe.each([
  ["memory", () => ({})],
  ["file", () => ({ dir })],
])("createPairingStore (%s)", (_kind, extra: () => Partial<PairingStoreOptions>) => {
  it("creates a request once and keeps its code and createdAt on repeats", () => {
    const c = clock();
    const store = createPairingStore({ ...extra(), now: c.now });
    const first = store.upsertRequest({
      channel: "telegram",
      accountId: "default",
      senderId: 123,
      meta: { username: "ann" },
    });
    expect(first.created).toBe(true);
    expect(first.code).toMatch(CODE);
    c.advance(60_000);
    const again = store.upsertRequest({ channel: "Telegram", senderId: "123" });
    expect(again).toEqual({ code: first.code, created: false });
    expect(store.list({ channel: "telegram" })).toEqual([
      {
        code: first.code,
        channel: "telegram",
        accountId: "default",
        senderId: "123",
        createdAt: c.state.t - 60_000,
        lastSeenAt: c.state.t,
        meta: { username: "ann" },
      },
    ]);
  });

  it("caps pending requests per channel account", () => {
    const store = createPairingStore({ ...extra(), now: clock().now });
    for (let i = 0; i < PAIRING_MAX_PENDING; i++) {
      expect(store.upsertRequest({ channel: "whatsapp", accountId: "biz", senderId: `+${i}` }).created).toBe(
        true,
      );
    }
    expect(store.upsertRequest({ channel: "whatsapp", accountId: "biz", senderId: "+9" })).toEqual({
      code: "",
      created: false,
    });
    // A repeat of a pending sender still works at the cap, and other accounts have their own cap.
    expect(store.upsertRequest({ channel: "whatsapp", accountId: "biz", senderId: "+0" }).code).toMatch(CODE);
    expect(store.upsertRequest({ channel: "whatsapp", accountId: "home", senderId: "+9" }).created).toBe(
      true,
    );
    expect(store.list({ channel: "whatsapp", accountId: "BIZ" })).toHaveLength(3);
    expect(store.list({ channel: "whatsapp" })).toHaveLength(4);
  });

  it("expires requests after the TTL and frees the cap", () => {
    const c = clock();
    const store = createPairingStore({ ...extra(), now: c.now });
    const { code } = store.upsertRequest({ channel: "discord", senderId: "1" });
    c.advance(PAIRING_TTL_MS);
    expect(store.list({ channel: "discord" })).toHaveLength(1);
    c.advance(1);
    expect(store.list({ channel: "discord" })).toEqual([]);
    expect(store.approve({ channel: "discord", code })).toBeNull();
    expect(store.upsertRequest({ channel: "discord", senderId: "1" }).created).toBe(true);
  });

  it("approves case-insensitively into the account's allowFrom", () => {
    const store = createPairingStore({ ...extra(), now: clock().now });
    const { code } = store.upsertRequest({ channel: "telegram", accountId: "Work", senderId: "42" });
    expect(store.approve({ channel: "telegram", code: code.toLowerCase(), accountId: "other" })).toBeNull();
    expect(store.approve({ channel: "telegram", code: ` ${code.toLowerCase()} ` })).toEqual({
      channel: "telegram",
      accountId: "work",
      senderId: "42",
    });
    expect(store.approve({ channel: "telegram", code })).toBeNull();
    expect(store.list({ channel: "telegram" })).toEqual([]);
    expect(store.allowFrom({ channel: "telegram", accountId: "work" })).toEqual(["42"]);
    expect(store.allowFrom({ channel: "telegram" })).toEqual([]);
  });

  it("rejects a pending request without approving", () => {
    const store = createPairingStore({ ...extra(), now: clock().now });
    const { code } = store.upsertRequest({ channel: "slack", senderId: "U1" });
    expect(store.reject({ channel: "slack", code })?.senderId).toBe("U1");
    expect(store.allowFrom({ channel: "slack" })).toEqual([]);
    expect(store.list({ channel: "slack" })).toEqual([]);
  });

  it("adds and removes approved senders, never '*'", () => {
    const store = createPairingStore(extra());
    expect(store.addAllowFrom({ channel: "slack", senderId: "U1" })).toBe(true);
    expect(store.addAllowFrom({ channel: "slack", senderId: " U1 " })).toBe(false);
    expect(store.addAllowFrom({ channel: "slack", senderId: "*" })).toBe(false);
    expect(store.allowFrom({ channel: "slack", accountId: "default" })).toEqual(["U1"]);
    expect(store.removeAllowFrom({ channel: "slack", senderId: "U1" })).toBe(true);
    expect(store.removeAllowFrom({ channel: "slack", senderId: "U1" })).toBe(false);
    expect(store.allowFrom({ channel: "slack" })).toEqual([]);
  });

  it("keeps codes unique among pending requests", () => {
    const codes = ["AAAAAAAA", "AAAAAAAA", "BBBBBBBB"];
    const store = createPairingStore({ ...extra(), generateCode: () => codes.shift() ?? "CCCCCCCC" });
    expect(store.upsertRequest({ channel: "telegram", senderId: "1" }).code).toBe("AAAAAAAA");
    expect(store.upsertRequest({ channel: "telegram", accountId: "b", senderId: "2" }).code).toBe("BBBBBBBB");
  });

  it("never throws on odd input", () => {
    const store = createPairingStore(extra());
    const odd: unknown[] = [
      null,
      undefined,
      {},
      { channel: 5, senderId: null },
      { channel: "", senderId: "1" },
    ];
    for (const value of odd) {
      expect(store.upsertRequest(value as never)).toEqual({ code: "", created: false });
      expect(store.approve(value as never)).toBeNull();
      expect(store.list(value as never)).toEqual([]);
      expect(store.allowFrom(value as never)).toEqual([]);
    }
    expect(
      store.upsertRequest({ channel: "telegram", senderId: 10n, meta: { n: 1, o: { x: 1 } } }).created,
    ).toBe(true);
    expect(store.list({ channel: "telegram" })[0]?.meta).toEqual({ n: "1" });
  });

  it("ignores odd options: null, a non-function now, a now returning junk", () => {
    for (const options of [
      null,
      5,
      [],
      { now: 5 },
      { now: "x" },
      { now: () => Number.NaN },
      { now: () => "1" },
    ]) {
      const store = createPairingStore(options as never);
      const { code, created } = store.upsertRequest({ channel: "telegram", senderId: "1" });
      expect(created).toBe(true);
      const [request] = store.list({ channel: "telegram" });
      expect(request?.code).toBe(code);
      expect(Math.abs((request?.createdAt ?? 0) - Date.now())).toBeLessThan(60_000);
    }
  });
});

describe("file layout (OpenClaw era B)", () => {
  it("writes <channel>-pairing.json with ISO timestamps and meta.accountId, mode 0600", () => {
    const store = createPairingStore({ dir, now: () => Date.parse("2026-05-01T10:00:00.000Z") });
    const { code } = store.upsertRequest({
      channel: "telegram",
      accountId: "biz",
      senderId: "7",
      meta: { name: "x" },
    });
    const file = path.join(dir, "telegram-pairing.json");
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual({
      version: 1,
      requests: [
        {
          id: "7",
          code,
          createdAt: "2026-05-01T10:00:00.000Z",
          lastSeenAt: "2026-05-01T10:00:00.000Z",
          meta: { name: "x", accountId: "biz" },
        },
      ],
    });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    store.approve({ channel: "telegram", code });
    expect(JSON.parse(readFileSync(path.join(dir, "telegram-biz-allowFrom.json"), "utf8"))).toEqual({
      version: 1,
      allowFrom: ["7"],
    });
    expect(readdirSync(dir).filter((name) => name.endsWith(".tmp"))).toEqual([]);
  });

  it("reads OpenClaw's files, including the legacy and default-scoped allowFrom files", () => {
    const created = "2026-05-01T09:30:00.000Z";
    writeFileSync(
      path.join(dir, "whatsapp-pairing.json"),
      JSON.stringify({
        version: 1,
        requests: [
          {
            id: "+1555",
            code: "ABCDEFGH",
            createdAt: created,
            lastSeenAt: created,
            meta: { accountId: "default" },
          },
          { id: "bad" },
          { id: "+1666", code: "HGFEDCBA", createdAt: "not a date", lastSeenAt: created },
        ],
      }),
    );
    writeFileSync(
      path.join(dir, "whatsapp-allowFrom.json"),
      JSON.stringify({ version: 1, allowFrom: ["+1", "*", " +2 "] }),
    );
    writeFileSync(
      path.join(dir, "whatsapp-default-allowFrom.json"),
      JSON.stringify({ version: 1, allowFrom: ["+2", "+3"] }),
    );
    const store = createPairingStore({ dir, now: () => Date.parse("2026-05-01T10:00:00.000Z") });
    expect(store.list({ channel: "whatsapp" }).map((r) => r.senderId)).toEqual(["+1555"]);
    expect(store.allowFrom({ channel: "whatsapp" })).toEqual(["+1", "+2", "+3"]);
    expect(store.approve({ channel: "whatsapp", code: "abcdefgh" })?.senderId).toBe("+1555");
    expect(store.allowFrom({ channel: "whatsapp", accountId: "default" })).toContain("+1555");
    expect(store.removeAllowFrom({ channel: "whatsapp", senderId: "+2" })).toBe(true);
    expect(store.allowFrom({ channel: "whatsapp" })).toEqual(["+1", "+1555", "+3"]);
  });

  it("moves a corrupt file aside instead of overwriting it blindly", () => {
    writeFileSync(path.join(dir, "slack-pairing.json"), "{not json");
    const store = createPairingStore({ dir });
    expect(store.list({ channel: "slack" })).toEqual([]);
    expect(readFileSync(path.join(dir, "slack-pairing.json.corrupt"), "utf8")).toBe("{not json");
  });

  it("never writes outside its directory, whatever the channel or account", () => {
    const inner = path.join(dir, "inner");
    const store = createPairingStore({ dir: inner });
    for (const channel of ["../x", "..", "a/b", "..\\y", "%2e", "c:d", "tele gram"]) {
      const { code } = store.upsertRequest({ channel, accountId: "../../evil", senderId: "1" });
      expect(code).toMatch(CODE);
      expect(store.approve({ channel, code })).not.toBeNull();
      store.addAllowFrom({ channel, accountId: "../up", senderId: "2" });
    }
    expect(readdirSync(dir)).toEqual(["inner"]);
    const names = readdirSync(inner);
    expect(names.every((name) => !name.includes("/") && !name.startsWith("."))).toBe(true);
    expect(names).toContain("%2E%2E%2Fx-pairing.json");
    expect(names).toContain("%2E%2E%2Fx-evil-allowFrom.json");
  });

  it("sees changes made by another store instance (e.g. the CLI) at once", () => {
    const gateway = createPairingStore({ dir });
    const cli = createPairingStore({ dir });
    const { code } = gateway.upsertRequest({ channel: "telegram", senderId: "5" });
    expect(cli.list({ channel: "telegram" }).map((r) => r.code)).toEqual([code]);
    cli.approve({ channel: "telegram", code });
    expect(gateway.allowFrom({ channel: "telegram" })).toEqual(["5"]);
  });
});
