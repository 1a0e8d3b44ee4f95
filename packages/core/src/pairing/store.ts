import { normalizeAccountId, normalizeChannelId, normalizePeerId } from "../router/index.js";
import { createFileBackend, createMemoryBackend, type PairingBackend } from "./backend.js";
import { generatePairingCode, generateUniqueCode } from "./code.js";
import { PAIRING_MAX_PENDING, PAIRING_TTL_MS } from "./constants.js";
import { allowFromFileName, pairingFileName } from "./file-names.js";

const DEFAULT_ACCOUNT = "default";

/** Options of {@link createPairingStore}. */
export interface PairingStoreOptions {
  /** Directory of the JSON files (Patchbay: `<stateDir>/credentials`); in memory when omitted. */
  readonly dir?: string;
  /** Clock in milliseconds since the epoch (default `Date.now`). */
  readonly now?: () => number;
  /** Code source, for tests; default is crypto-random over `PAIRING_CODE_ALPHABET`. */
  readonly generateCode?: () => string;
}

/** A pending pairing request as {@link PairingStore.list} returns it. */
export interface PairingRequest {
  readonly code: string;
  readonly channel: string;
  readonly accountId: string;
  readonly senderId: string;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
  /** Milliseconds since the epoch; bumped by every repeat upsert. */
  readonly lastSeenAt: number;
  /** Caller metadata (strings), without the internal `accountId`. */
  readonly meta: Record<string, string>;
}

/** What {@link PairingStore.approve} approved. */
export interface PairingApproval {
  readonly channel: string;
  readonly accountId: string;
  readonly senderId: string;
}

/** Result of {@link PairingStore.upsertRequest}. */
export interface PairingUpsertResult {
  /** The pending code, or `""` when no request exists (cap reached, or no usable channel/sender). */
  readonly code: string;
  /** True only when this call created the request: the one time to send the pairing reply. */
  readonly created: boolean;
}

/** Channel + optional account; a missing account means `default` (for `approve`/`list`: any). */
export interface PairingScope {
  readonly channel: unknown;
  readonly accountId?: unknown;
}

/**
 * Pending pairing requests and approved senders (spec §4.4). Every method is synchronous, re-reads
 * its file (so a CLI approval in another process is seen at once), prunes expired requests and
 * writes atomically. Methods never throw on odd input; file-system errors propagate.
 */
export interface PairingStore {
  /**
   * Records a request from an unknown sender. A repeat from the same sender and account keeps its
   * code and `createdAt`, bumps `lastSeenAt` and returns `created: false`. When the account already
   * has `PAIRING_MAX_PENDING` pending requests, a new sender gets `{ code: "", created: false }`
   * (no code, no reply). An empty channel or sender id also gives `{ code: "", created: false }`.
   */
  upsertRequest(
    input: PairingScope & { readonly senderId: unknown; readonly meta?: unknown },
  ): PairingUpsertResult;
  /**
   * Approves a pending code (case-insensitive, surrounding spaces ignored), limited to `accountId`
   * when given: removes the request and adds the sender to that account's approved senders.
   * Returns null for an unknown or expired code.
   */
  approve(input: PairingScope & { readonly code: unknown }): PairingApproval | null;
  /** Drops a pending request without approving it; returns it, or null when unknown or expired. */
  reject(input: PairingScope & { readonly code: unknown }): PairingRequest | null;
  /** Pending requests of the channel (of one account when given), oldest first. */
  list(input: PairingScope): PairingRequest[];
  /**
   * Approved senders of an account (`storeAllowFrom` for `decideDmGroupAccess`). The default
   * account reads both `<channel>-allowFrom.json` and `<channel>-default-allowFrom.json` (what
   * OpenClaw writes); `"*"` is never returned.
   */
  allowFrom(input: PairingScope): string[];
  /** Adds an approved sender; false when already present or empty. */
  addAllowFrom(input: PairingScope & { readonly senderId: unknown }): boolean;
  /** Removes an approved sender (for the default account from both files); false when absent. */
  removeAllowFrom(input: PairingScope & { readonly senderId: unknown }): boolean;
}

/** One request as stored in `<channel>-pairing.json` (OpenClaw era B). */
interface StoredRequest {
  id: string;
  code: string;
  createdAt: string;
  lastSeenAt: string;
  meta?: Record<string, string>;
  [extra: string]: unknown;
}

const record = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;

const time = (value: unknown): number => (typeof value === "string" ? Date.parse(value) : Number.NaN);

function readRequests(backend: PairingBackend, channel: string): StoredRequest[] {
  const requests = record(backend.read(pairingFileName(channel)))?.requests;
  if (!Array.isArray(requests)) return [];
  return requests.filter((entry): entry is StoredRequest => {
    const r = record(entry);
    return (
      r !== undefined &&
      typeof r.id === "string" &&
      typeof r.code === "string" &&
      Number.isFinite(time(r.createdAt)) &&
      (r.meta === undefined || record(r.meta) !== undefined)
    );
  });
}

const accountOf = (request: StoredRequest) => normalizeAccountId(request.meta?.accountId);
const lastSeen = (request: StoredRequest) => {
  const seen = time(request.lastSeenAt);
  return Number.isFinite(seen) ? seen : time(request.createdAt);
};

/** String-valued caller metadata: primitives stringified and trimmed, empty values dropped. */
function cleanMeta(meta: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(record(meta) ?? {})) {
    if (key === "accountId" || key === "__proto__") continue;
    const text =
      typeof value === "string" ||
      typeof value === "number" ||
      typeof value === "boolean" ||
      typeof value === "bigint"
        ? String(value).trim()
        : "";
    if (text !== "") out[key] = text;
  }
  return out;
}

function dedupe(entries: Iterable<unknown>): string[] {
  const out = new Set<string>();
  for (const entry of entries) {
    const id = normalizePeerId(entry);
    if (id !== "" && id !== "*") out.add(id);
  }
  return [...out];
}

/**
 * Creates a pairing store, in memory without `dir`, else backed by OpenClaw's era-B files in `dir`:
 * `<channel>-pairing.json` = `{version:1, requests:[{id, code, createdAt, lastSeenAt, meta:{accountId,…}}]}`
 * (ISO timestamps; `id` is the sender) and `<channel>[-<account>]-allowFrom.json` =
 * `{version:1, allowFrom:[…]}`. The default account's approvals go to `<channel>-allowFrom.json`.
 * Construction does no I/O.
 */
export function createPairingStore(options: PairingStoreOptions = {}): PairingStore {
  // Options may come from untyped callers: anything that is not the documented type is ignored.
  const { dir, now: clock, generateCode } = record(options) ?? {};
  const backend = typeof dir === "string" && dir !== "" ? createFileBackend(dir) : createMemoryBackend();
  const now = () => {
    const value: unknown = typeof clock === "function" ? clock() : undefined;
    return typeof value === "number" && Number.isFinite(value) ? value : Date.now();
  };
  const generate = typeof generateCode === "function" ? (generateCode as () => string) : generatePairingCode;

  /** Reads, prunes expired requests (persisting the pruning) and trims each account to the cap. */
  const load = (channel: string, nowMs: number) => {
    const all = readRequests(backend, channel);
    let requests = all.filter((r) => nowMs - time(r.createdAt) <= PAIRING_TTL_MS);
    const byAccount = new Map<string, StoredRequest[]>();
    for (const r of requests) byAccount.set(accountOf(r), [...(byAccount.get(accountOf(r)) ?? []), r]);
    for (const group of byAccount.values()) {
      if (group.length <= PAIRING_MAX_PENDING) continue;
      const drop = new Set(
        [...group].sort((a, b) => lastSeen(a) - lastSeen(b)).slice(0, group.length - PAIRING_MAX_PENDING),
      );
      requests = requests.filter((r) => !drop.has(r));
    }
    return { requests, changed: requests.length !== all.length };
  };
  const save = (channel: string, requests: StoredRequest[]) =>
    backend.write(pairingFileName(channel), { version: 1, requests });

  const toPublic = (channel: string, r: StoredRequest): PairingRequest => ({
    code: r.code,
    channel,
    accountId: accountOf(r),
    senderId: r.id,
    createdAt: time(r.createdAt),
    lastSeenAt: lastSeen(r),
    meta: cleanMeta(r.meta),
  });

  const allowFiles = (channel: string, account: string) =>
    account === DEFAULT_ACCOUNT
      ? [allowFromFileName(channel), allowFromFileName(channel, DEFAULT_ACCOUNT)]
      : [allowFromFileName(channel, account)];
  const readAllow = (name: string) => {
    const list = record(backend.read(name))?.allowFrom;
    return dedupe(Array.isArray(list) ? list : []);
  };
  const writeAllow = (name: string, allowFrom: string[]) => backend.write(name, { version: 1, allowFrom });

  /** Finds a pending request by code; shared by approve and reject. */
  const take = (input: PairingScope & { readonly code: unknown }) => {
    const channel = normalizeChannelId(input?.channel);
    const code = normalizePeerId(input?.code).toUpperCase();
    if (channel === "" || code === "") return null;
    const account = normalizePeerId(input.accountId) === "" ? undefined : normalizeAccountId(input.accountId);
    const { requests, changed } = load(channel, now());
    const index = requests.findIndex(
      (r) => r.code.trim().toUpperCase() === code && (account === undefined || accountOf(r) === account),
    );
    if (index < 0) {
      if (changed) save(channel, requests);
      return null;
    }
    const [request] = requests.splice(index, 1) as [StoredRequest];
    save(channel, requests);
    return { channel, request };
  };

  const addAllow = (channel: string, account: string, sender: string) => {
    const [primary] = allowFiles(channel, account) as [string];
    if (sender === "" || sender === "*" || allowFromOf(channel, account).includes(sender)) return false;
    writeAllow(primary, [...readAllow(primary), sender]);
    return true;
  };
  const allowFromOf = (channel: string, account: string) =>
    dedupe(allowFiles(channel, account).flatMap(readAllow));

  return {
    upsertRequest(input) {
      const channel = normalizeChannelId(input?.channel);
      const senderId = normalizePeerId(input?.senderId);
      if (channel === "" || senderId === "") return { code: "", created: false };
      const account = normalizeAccountId(input.accountId);
      const nowMs = now();
      const stamp = new Date(nowMs).toISOString();
      const meta = { ...cleanMeta(input.meta), accountId: account };
      const { requests, changed } = load(channel, nowMs);
      const existing = requests.find((r) => r.id === senderId && accountOf(r) === account);
      const taken = new Set(requests.map((r) => r.code.trim().toUpperCase()));
      if (existing !== undefined) {
        existing.code = existing.code.trim() || generateUniqueCode(taken, generate);
        existing.lastSeenAt = stamp;
        existing.meta = { ...(existing.meta ?? {}), ...meta };
        save(channel, requests);
        return { code: existing.code, created: false };
      }
      if (requests.filter((r) => accountOf(r) === account).length >= PAIRING_MAX_PENDING) {
        if (changed) save(channel, requests);
        return { code: "", created: false };
      }
      const code = generateUniqueCode(taken, generate);
      save(channel, [...requests, { id: senderId, code, createdAt: stamp, lastSeenAt: stamp, meta }]);
      return { code, created: true };
    },

    approve(input) {
      const taken = take(input);
      if (taken === null) return null;
      const accountId = accountOf(taken.request);
      addAllow(taken.channel, accountId, taken.request.id);
      return { channel: taken.channel, accountId, senderId: taken.request.id };
    },

    reject(input) {
      const taken = take(input);
      return taken === null ? null : toPublic(taken.channel, taken.request);
    },

    list(input) {
      const channel = normalizeChannelId(input?.channel);
      if (channel === "") return [];
      const account =
        normalizePeerId(input.accountId) === "" ? undefined : normalizeAccountId(input.accountId);
      const { requests, changed } = load(channel, now());
      if (changed) save(channel, requests);
      return requests
        .filter((r) => account === undefined || accountOf(r) === account)
        .map((r) => toPublic(channel, r))
        .sort((a, b) => a.createdAt - b.createdAt);
    },

    allowFrom(input) {
      const channel = normalizeChannelId(input?.channel);
      return channel === "" ? [] : allowFromOf(channel, normalizeAccountId(input.accountId));
    },

    addAllowFrom(input) {
      const channel = normalizeChannelId(input?.channel);
      if (channel === "") return false;
      return addAllow(channel, normalizeAccountId(input.accountId), normalizePeerId(input.senderId));
    },

    removeAllowFrom(input) {
      const channel = normalizeChannelId(input?.channel);
      const sender = normalizePeerId(input?.senderId);
      if (channel === "" || sender === "") return false;
      let removed = false;
      for (const name of allowFiles(channel, normalizeAccountId(input.accountId))) {
        const current = readAllow(name);
        if (!current.includes(sender)) continue;
        writeAllow(
          name,
          current.filter((entry) => entry !== sender),
        );
        removed = true;
      }
      return removed;
    },
  };
}
