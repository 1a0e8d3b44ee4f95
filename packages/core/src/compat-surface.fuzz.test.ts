/**
 * Fuzzes every export of the compatibility surface (spec/openclaw-compat.md, "The compatibility
 * surface of @patchbay/core") through the public entry with odd inputs: missing fields, null,
 * numbers and bigints as ids, unknown kinds, empty, colon-laden, unicode and huge strings, arrays
 * where objects belong, prototype keys and frozen objects. Each function must not throw, must
 * return its documented shape, and must return fresh objects that callers may mutate.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  buildGroupHistoryKey,
  buildMentionRegexes,
  classifySessionKeyShape,
  createPairingStore,
  decideDmGroupAccess,
  isSenderAllowed,
  matchesMentionPatterns,
  normalizeAccountId,
  normalizeAgentId,
  PAIRING_CODE_ALPHABET,
  PAIRING_CODE_LENGTH,
  PAIRING_MAX_PENDING,
  PAIRING_TTL_MS,
  parseAgentSessionKey,
  ROUTE_TIERS,
  resolveAgentRoute,
  resolveAgentRouteReference,
  resolveBroadcastRuns,
  resolveMentionGate,
  resolveThreadSessionKey,
} from "./index.js";

/** Run counts scale with PATCHBAY_FUZZ_SCALE (e.g. 50 for a long local soak); 1 by default. */
const runs = (base: number) => base * (Number(process.env.PATCHBAY_FUZZ_SCALE) || 1);

// --- arbitraries -------------------------------------------------------------------------------

const HUGE = "Ab:".repeat(40_000);
const PROTO_KEYS = ["__proto__", "constructor", "prototype", "toString", "hasOwnProperty"];

/** Strings that tend to break id handling. */
const oddString = fc.oneof(
  fc.constantFrom(
    "",
    " ",
    "\t\n",
    ":",
    "::",
    "a:b: c",
    "agent:main:main",
    "AGENT::x",
    "*",
    " * ",
    "default",
    "main",
    "+1 (555) 123-4567",
    "whatsapp:+15551234567",
    "tg:123",
    "@user",
    "İstanbul",
    "ß",
    "🦞",
    "\u200b\u202e",
    "a\u0000b",
    "\ud800",
    ...PROTO_KEYS,
    HUGE,
  ),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: "binary", maxLength: 12 }),
  fc.stringMatching(/^[A-Za-z0-9 :*@+._-]{0,10}$/),
);

const oddScalar = fc.oneof(
  oddString,
  fc.constantFrom(undefined, null, true, false, 0, -0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY),
  fc.integer(),
  fc.bigInt(),
  fc.constant(Symbol("odd")),
  fc.constant(() => "fn"),
);

/** An object with own (possibly prototype-named) keys, made with defineProperty so none is lost. */
const objectOf = (keys: fc.Arbitrary<string>, value: fc.Arbitrary<unknown>) =>
  fc.array(fc.tuple(keys, value), { maxLength: 4 }).map((entries) => {
    const out: Record<string, unknown> = {};
    for (const [key, entry] of entries) {
      Object.defineProperty(out, key, { value: entry, enumerable: true, writable: true, configurable: true });
    }
    return out;
  });

const { oddValue } = fc.letrec<{ oddValue: unknown }>((tie) => ({
  oddValue: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    oddScalar,
    fc.array(tie("oddValue"), { maxLength: 3 }),
    objectOf(
      fc.oneof(fc.constantFrom(...PROTO_KEYS, "id", "kind", "channel"), fc.string({ maxLength: 4 })),
      tie("oddValue"),
    ),
  ),
}));

/** Deep-freezes a value, so any write to an input throws (ES modules are strict). */
function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Reflect.ownKeys(value)) deepFreeze((value as Record<PropertyKey, unknown>)[key]);
  }
  return value;
}

/** Mostly a well-formed value, sometimes an odd one, sometimes absent. */
const maybe = <T>(good: fc.Arbitrary<T>) =>
  fc.oneof(
    { weight: 4, arbitrary: good },
    { weight: 2, arbitrary: oddValue },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
const frozenSometimes = <T>(arb: fc.Arbitrary<T>) =>
  fc.tuple(arb, fc.boolean()).map(([value, freeze]) => (freeze ? deepFreeze(value) : value));

const channelName = maybe(
  fc.constantFrom("whatsapp", "Telegram", " discord ", "slack", "signal", "matrix", "x"),
);
const idValue = maybe(
  fc.oneof(fc.constantFrom("a", "A", "+1", "*", "-100:topic:1", "g@g.us"), fc.integer(), fc.bigInt()),
);
const peerKind = maybe(
  fc.constantFrom("direct", "dm", "group", "supergroup", "channel", "Thread", "", "weird kind"),
);
const peer = maybe(fc.record({ kind: peerKind, id: idValue }, { requiredKeys: [] }));
const roles = maybe(fc.array(maybe(fc.constantFrom("r1", "r2", " r1")), { maxLength: 3 }));

const binding = maybe(
  fc.record(
    {
      agentId: maybe(fc.constantFrom("a", "B", "main", "ghost", "My Agent!", "__proto__")),
      type: maybe(fc.constantFrom("route", "acp")),
      session: maybe(fc.record({ dmScope: maybe(fc.constant("per-peer")) })),
      match: maybe(
        fc.record(
          {
            channel: channelName,
            accountId: maybe(fc.constantFrom("*", "default", "biz", " BIZ ", "", "constructor")),
            peer,
            guildId: idValue,
            teamId: idValue,
            roles,
          },
          { requiredKeys: [] },
        ),
      ),
    },
    { requiredKeys: [] },
  ),
);

const agentEntry = maybe(
  fc.record(
    {
      id: maybe(fc.constantFrom("a", "B", "main", "home", "x y", "")),
      default: maybe(fc.boolean()),
      identity: maybe(
        fc.record(
          {
            name: maybe(fc.constantFrom("Sir Bot", "  ", "(", HUGE)),
            emoji: maybe(fc.constantFrom("🦞", "*")),
          },
          { requiredKeys: [] },
        ),
      ),
      groupChat: maybe(
        fc.record(
          {
            mentionPatterns: maybe(
              fc.array(maybe(fc.constantFrom("bot", "(", "(a+)+", "\bhi\b", "")), { maxLength: 3 }),
            ),
          },
          { requiredKeys: [] },
        ),
      ),
    },
    { requiredKeys: [] },
  ),
);

const cfg = frozenSometimes(
  maybe(
    fc.record(
      {
        agents: maybe(
          fc.record({ list: maybe(fc.array(agentEntry, { maxLength: 4 })) }, { requiredKeys: [] }),
        ),
        bindings: maybe(fc.array(binding, { maxLength: 6 })),
        session: maybe(
          fc.record(
            {
              dmScope: maybe(
                fc.constantFrom(
                  "main",
                  "per-peer",
                  "per-channel-peer",
                  "per-account-channel-peer",
                  "PER-PEER",
                ),
              ),
              identityLinks: maybe(
                objectOf(
                  fc.constantFrom("alice", " Bob ", "__proto__", ""),
                  maybe(fc.array(idValue, { maxLength: 3 })),
                ),
              ),
            },
            { requiredKeys: [] },
          ),
        ),
        broadcast: maybe(
          objectOf(
            fc.constantFrom("a", "+1", "g@g.us", "strategy", "__proto__"),
            maybe(fc.array(maybe(fc.constantFrom("a", "B", "ghost")), { maxLength: 3 })),
          ),
        ),
        messages: maybe(
          fc.record({
            groupChat: maybe(
              fc.record({
                mentionPatterns: maybe(fc.array(maybe(fc.constantFrom("bot", "[")), { maxLength: 2 })),
              }),
            ),
          }),
        ),
      },
      { requiredKeys: [] },
    ),
  ),
);

const routeParams = frozenSometimes(
  fc.oneof(
    { weight: 1, arbitrary: oddValue },
    {
      weight: 6,
      arbitrary: fc.record(
        {
          cfg,
          channel: channelName,
          accountId: maybe(fc.constantFrom("biz", "default", " BIZ ", "__proto__", "")),
          peer,
          parentPeer: peer,
          guildId: idValue,
          teamId: idValue,
          memberRoleIds: roles,
        },
        { requiredKeys: [] },
      ),
    },
  ),
);

// --- helpers -----------------------------------------------------------------------------------

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Overwrites every field of a result (and of nested objects/arrays) with junk. */
function scribble(value: unknown): void {
  if (Array.isArray(value)) {
    for (const entry of value) scribble(entry);
    value.push("junk");
  } else if (isRecord(value)) {
    for (const key of Object.keys(value)) {
      scribble(value[key]);
      value[key] = "junk";
    }
  }
}

/** Calls `fn` twice; scribbling over the first result must not change the second. */
function expectFresh<T>(fn: () => T): T {
  const first = fn();
  const snapshot = structuredClone(first);
  scribble(first);
  const second = fn();
  expect(second).toEqual(snapshot);
  return second;
}

const SESSION_KEY_SHAPES = ["agent", "malformed_agent", "legacy_or_alias", "missing"];
const call = <T>(fn: (input: never) => T, input: unknown): T => fn(input as never);

// --- properties --------------------------------------------------------------------------------

describe("compatibility surface: never throws, documented shape, fresh results", () => {
  it("resolveAgentRoute", () => {
    fc.assert(
      fc.property(routeParams, (params) => {
        const route = expectFresh(() => call(resolveAgentRoute, params));
        expect(Object.keys(route).sort()).toEqual(
          [
            "accountId",
            "agentId",
            "channel",
            "lastRoutePolicy",
            "mainSessionKey",
            "matchedBy",
            "sessionKey",
          ].sort(),
        );
        for (const value of Object.values(route)) expect(typeof value).toBe("string");
        expect(normalizeAgentId(route.agentId)).toBe(route.agentId);
        expect(normalizeAccountId(route.accountId)).toBe(route.accountId);
        expect(route.channel).toBe(route.channel.trim().toLowerCase());
        expect(route.mainSessionKey).toBe(`agent:${route.agentId}:main`);
        expect(route.sessionKey.startsWith(`agent:${route.agentId}:`)).toBe(true);
        expect(parseAgentSessionKey(route.sessionKey)?.agentId).toBe(route.agentId);
        expect(route.lastRoutePolicy).toBe(route.sessionKey === route.mainSessionKey ? "main" : "session");
        expect(ROUTE_TIERS).toContain(route.matchedBy);
        expect(call(resolveAgentRouteReference, params)).toEqual(route);
      }),
      { numRuns: runs(300) },
    );
  });

  it("decideDmGroupAccess", () => {
    const input = frozenSometimes(
      fc.oneof(
        oddValue,
        fc.record(
          {
            isGroup: maybe(fc.boolean()),
            dmPolicy: maybe(fc.constantFrom("pairing", "allowlist", "open", "disabled", "OPEN", "bogus")),
            groupPolicy: maybe(fc.constantFrom("allowlist", "open", "disabled", "bogus")),
            allowFrom: maybe(fc.array(idValue, { maxLength: 3 })),
            groupAllowFrom: maybe(fc.array(idValue, { maxLength: 3 })),
            storeAllowFrom: maybe(fc.array(idValue, { maxLength: 3 })),
            senderId: idValue,
            channel: channelName,
          },
          { requiredKeys: [] },
        ),
      ),
    );
    fc.assert(
      fc.property(input, (raw) => {
        const result = expectFresh(() => call(decideDmGroupAccess, raw));
        expect(["allow", "block", "pairing"]).toContain(result.decision);
        expect(typeof result.reason).toBe("string");
        expect(result.reason).toMatch(/^(dmPolicy|groupPolicy)=[a-z]+( \([a-z ]+\))?$/);
        if (isRecord(raw) && raw.isGroup === true) expect(result.decision).not.toBe("pairing");
      }),
      { numRuns: runs(100) },
    );
  });

  it("isSenderAllowed", () => {
    const input = fc.oneof(
      oddValue,
      fc.record(
        {
          channel: channelName,
          allowFrom: maybe(fc.array(idValue, { maxLength: 3 })),
          senderId: idValue,
          senderName: maybe(fc.constantFrom("Alice", "@alice", "")),
          dangerouslyAllowNameMatching: maybe(fc.boolean()),
        },
        { requiredKeys: [] },
      ),
    );
    fc.assert(
      fc.property(frozenSometimes(input), (raw) => {
        const allowed = call(isSenderAllowed, raw);
        expect(typeof allowed).toBe("boolean");
        if (isRecord(raw) && Array.isArray(raw.allowFrom) && raw.allowFrom.includes("*"))
          expect(allowed).toBe(true);
      }),
      { numRuns: runs(100) },
    );
  });

  it("resolveMentionGate", () => {
    const flag = maybe(fc.boolean());
    const input = fc.oneof(
      oddValue,
      fc.record(
        {
          requireMention: flag,
          canDetectMention: flag,
          wasMentioned: flag,
          implicitMention: flag,
          shouldBypassMention: flag,
        },
        { requiredKeys: [] },
      ),
    );
    fc.assert(
      fc.property(frozenSometimes(input), (raw) => {
        const gate = expectFresh(() => call(resolveMentionGate, raw));
        expect(Object.keys(gate).sort()).toEqual(["effectiveWasMentioned", "skip"]);
        expect(typeof gate.skip).toBe("boolean");
        expect(typeof gate.effectiveWasMentioned).toBe("boolean");
        if (gate.skip) expect(gate.effectiveWasMentioned).toBe(false);
      }),
      { numRuns: runs(100) },
    );
  });

  it("buildMentionRegexes + matchesMentionPatterns", () => {
    const agentId = maybe(fc.constantFrom("a", "B", "main", "home", "x y"));
    const text = fc.oneof(oddValue, fc.constantFrom("hi bot", "@Sir  Bot!", "🦞", "s\u200bir bot", HUGE));
    fc.assert(
      fc.property(cfg, agentId, text, oddValue, (config, id, message, oddRegexes) => {
        const regexes = expectFresh(() => buildMentionRegexes(config, id));
        expect(Array.isArray(regexes)).toBe(true);
        for (const regex of regexes) expect(regex).toBeInstanceOf(RegExp);
        expect(typeof matchesMentionPatterns(message, regexes)).toBe("boolean");
        expect(typeof matchesMentionPatterns(message, oddRegexes)).toBe("boolean");
        // Matching twice gives the same answer (no lastIndex state leaks between calls).
        expect(matchesMentionPatterns(message, regexes)).toBe(matchesMentionPatterns(message, regexes));
      }),
      { numRuns: runs(200) },
    );
  });

  it("resolveBroadcastRuns", () => {
    fc.assert(
      fc.property(routeParams, oddValue, fc.boolean(), (params, oddRoute, useOddRoute) => {
        const p = isRecord(params) ? params : {};
        const route = useOddRoute ? oddRoute : call(resolveAgentRoute, params);
        const input = { cfg: p.cfg, route, channel: p.channel, peer: p.peer };
        const result = expectFresh(() => call(resolveBroadcastRuns, input));
        expect(Object.keys(result).sort()).toEqual(["runs", "warnings"]);
        expect(result.runs.length).toBeGreaterThan(0);
        for (const run of result.runs) {
          expect(Object.keys(run).sort()).toEqual(["agentId", "mainSessionKey", "sessionKey"]);
          for (const value of Object.values(run)) expect(typeof value).toBe("string");
          expect(run.agentId).toBe(normalizeAgentId(run.agentId));
          if (!useOddRoute) expect(run.sessionKey.startsWith(`agent:${run.agentId}:`)).toBe(true);
        }
        for (const warning of result.warnings)
          expect(warning).toMatch(/^Broadcast agent \S+ not found in agents\.list; skipping$/);
      }),
      { numRuns: runs(300) },
    );
  });

  it("parseAgentSessionKey + classifySessionKeyShape", () => {
    const key = fc.oneof(
      oddValue,
      fc.stringMatching(/^(agent|AGENT|subagent)?(:[A-Za-z0-9 +=_-]{0,4}){0,4}$/),
    );
    fc.assert(
      fc.property(key, (raw) => {
        const parsed =
          raw === null || typeof raw !== "object"
            ? call(parseAgentSessionKey, raw)
            : expectFresh(() => call(parseAgentSessionKey, raw));
        const shape = call(classifySessionKeyShape, raw);
        expect(SESSION_KEY_SHAPES).toContain(shape);
        if (parsed !== null) {
          expect(Object.keys(parsed).sort()).toEqual(["agentId", "rest"]);
          expect(parsed.agentId).not.toBe("");
          expect(parsed.rest).not.toBe("");
          expect(parsed.agentId).toBe(parsed.agentId.toLowerCase());
          expect(parsed.rest).toBe(parsed.rest.toLowerCase());
          // Empty segments are dropped, as OpenClaw does: `agent:main::` is not a key.
          expect(parsed.rest.split(":")).not.toContain("");
        }
        if (typeof raw === "string") expect(shape === "agent").toBe(parsed !== null);
        const fresh = call(parseAgentSessionKey, raw);
        if (fresh !== null && parsed !== null) expect(fresh).not.toBe(parsed);
      }),
      { numRuns: runs(100) },
    );
  });

  it("resolveThreadSessionKey + buildGroupHistoryKey", () => {
    const historyParams = fc.oneof(
      oddValue,
      fc.record(
        { channel: channelName, accountId: maybe(fc.constant("Biz")), peerKind, peerId: idValue },
        { requiredKeys: [] },
      ),
    );
    fc.assert(
      fc.property(oddValue, oddValue, frozenSometimes(historyParams), (base, threadId, history) => {
        const key = call((b: unknown) => resolveThreadSessionKey(b as string, threadId as string), base);
        expect(typeof key).toBe("string");
        if (typeof base === "string") expect(key.startsWith(base)).toBe(true);
        const historyKey = call(buildGroupHistoryKey, history);
        expect(typeof historyKey).toBe("string");
        expect(historyKey.split(":").length).toBeGreaterThanOrEqual(4);
      }),
      { numRuns: runs(100) },
    );
    expect(resolveThreadSessionKey("agent:a:main", "")).toBe("agent:a:main");
  });

  it("createPairingStore (memory) and its methods", () => {
    const scope = fc.record(
      {
        channel: maybe(fc.constantFrom("telegram", "WhatsApp", "__proto__", "constructor", "a:b")),
        accountId: maybe(fc.constantFrom("default", "biz", "__proto__", "")),
        senderId: idValue,
        code: maybe(fc.constantFrom("ABCDEFGH", "abc", "")),
        meta: maybe(objectOf(fc.constantFrom("name", "__proto__", "accountId"), oddScalar)),
      },
      { requiredKeys: [] },
    );
    const op = fc.tuple(
      fc.constantFrom(
        "upsertRequest",
        "approve",
        "reject",
        "list",
        "allowFrom",
        "addAllowFrom",
        "removeAllowFrom",
      ),
      frozenSometimes(fc.oneof({ weight: 1, arbitrary: oddValue }, { weight: 5, arbitrary: scope })),
      fc.integer({ min: 0, max: PAIRING_TTL_MS }),
    );
    const options = fc.oneof(
      fc.constantFrom(undefined, null, 5, "", [], {}),
      fc.record({ now: oddValue, dir: fc.constantFrom(undefined, null, 7, "", []) }, { requiredKeys: [] }),
    );
    const codePattern = new RegExp(`^[${PAIRING_CODE_ALPHABET}]{${PAIRING_CODE_LENGTH}}$`);
    fc.assert(
      fc.property(options, fc.array(op, { maxLength: 12 }), (opts, ops) => {
        let clock = 1_700_000_000_000;
        const store =
          isRecord(opts) && !("now" in opts)
            ? createPairingStore({ now: () => clock })
            : call(createPairingStore, opts);
        for (const [method, input, advance] of ops) {
          clock += advance;
          const result: unknown = call(
            store[method as keyof typeof store] as (input: never) => unknown,
            input,
          );
          switch (method) {
            case "upsertRequest": {
              const upsert = result as { code: string; created: boolean };
              expect(Object.keys(upsert).sort()).toEqual(["code", "created"]);
              expect(typeof upsert.created).toBe("boolean");
              if (upsert.created || upsert.code !== "") expect(upsert.code).toMatch(codePattern);
              break;
            }
            case "approve":
              if (result !== null) {
                expect(Object.keys(result as object).sort()).toEqual(["accountId", "channel", "senderId"]);
                for (const value of Object.values(result as object)) expect(typeof value).toBe("string");
              }
              break;
            case "list":
            case "reject": {
              const requests = (method === "list" ? result : result === null ? [] : [result]) as unknown[];
              expect(Array.isArray(requests)).toBe(true);
              for (const request of requests as Array<Record<string, unknown>>) {
                expect(Object.keys(request).sort()).toEqual(
                  ["accountId", "channel", "code", "createdAt", "lastSeenAt", "meta", "senderId"].sort(),
                );
                expect(request.code).toMatch(codePattern);
                expect(typeof request.createdAt).toBe("number");
                expect(typeof request.lastSeenAt).toBe("number");
                expect(isRecord(request.meta)).toBe(true);
              }
              break;
            }
            case "allowFrom":
              expect(Array.isArray(result)).toBe(true);
              for (const entry of result as unknown[]) expect(typeof entry).toBe("string");
              expect(result).not.toContain("*");
              break;
            default:
              expect(typeof result).toBe("boolean");
          }
          // Invariants over every channel touched so far: the cap per account and unique codes.
          for (const channel of ["telegram", "whatsapp", "__proto__", "constructor", "a:b"]) {
            const pending = expectFresh(() => store.list({ channel }));
            const perAccount = new Map<string, number>();
            for (const request of pending)
              perAccount.set(request.accountId, (perAccount.get(request.accountId) ?? 0) + 1);
            for (const count of perAccount.values()) expect(count).toBeLessThanOrEqual(PAIRING_MAX_PENDING);
            expect(new Set(pending.map((request) => request.code)).size).toBe(pending.length);
          }
        }
      }),
      { numRuns: runs(150) },
    );
  });
});
