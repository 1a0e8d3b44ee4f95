import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveBroadcastRuns } from "./broadcast/index.js";
import { compileRouter, resolveAgentRoute, resolveAgentRouteReference } from "./router/index.js";
import type { ResolveAgentRouteParams } from "./router/types.js";
import { resolveThreadSessionKey } from "./session/index.js";

// The example vectors of spec §6 (ids R*, K*, B*), kept verbatim as JSON lines.
interface Vector {
  id: string;
  note?: string;
  cfg?: unknown;
  in?: Record<string, unknown>;
  base?: string;
  threadId?: string;
  out: Record<string, unknown>;
}

const reviveBigints = (_key: string, value: unknown): unknown => {
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    const keys = Object.keys(value);
    const text = (value as { $bigint?: unknown }).$bigint;
    if (keys.length === 1 && typeof text === "string") return BigInt(text);
  }
  return value;
};

function loadVectors(): Vector[] {
  const file = join(import.meta.dirname, "router", "fixtures", "spec-vectors.jsonl");
  const vectors = readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line, reviveBigints) as Vector);
  // "@R47" means the very same config object as vector R47.
  const byId = new Map(vectors.map((vector) => [vector.id, vector]));
  for (const vector of vectors) {
    if (typeof vector.cfg === "string" && vector.cfg.startsWith("@"))
      vector.cfg = byId.get(vector.cfg.slice(1))?.cfg;
  }
  return vectors;
}

const vectors = loadVectors();
const group = (prefix: string) => vectors.filter((vector) => vector.id.startsWith(prefix));
const paramsOf = (vector: Vector) => ({ cfg: vector.cfg, ...vector.in }) as ResolveAgentRouteParams;

describe("spec §6 route vectors (R*)", () => {
  it("loads every vector", () => {
    expect(group("R").length).toBeGreaterThanOrEqual(20);
    expect(group("K").length).toBeGreaterThanOrEqual(1);
    expect(group("B").length).toBeGreaterThanOrEqual(2);
  });

  it.each(group("R").map((vector) => [vector.id, vector] as const))("%s", (_id, vector) => {
    const route = resolveAgentRoute(paramsOf(vector));
    expect(route).toMatchObject(vector.out);
    expect(compileRouter(vector.cfg).resolve(paramsOf(vector))).toEqual(route);
    expect(resolveAgentRouteReference(paramsOf(vector))).toEqual(route);
  });

  it("R47 then R48 on one config object do not collide (empty-id peer vs no peer)", () => {
    const r47 = vectors.find((vector) => vector.id === "R47")!;
    const r48 = vectors.find((vector) => vector.id === "R48")!;
    expect(r48.cfg).toBe(r47.cfg);
    for (let round = 0; round < 2; round++) {
      expect(resolveAgentRoute(paramsOf(r47)).matchedBy).toBe("binding.peer.wildcard");
      expect(resolveAgentRoute(paramsOf(r48)).matchedBy).toBe("binding.channel");
    }
  });
});

describe("spec §6 thread vectors (K*)", () => {
  it.each(group("K").map((vector) => [vector.id, vector] as const))("%s", (_id, vector) => {
    expect(resolveThreadSessionKey(vector.base!, vector.threadId)).toBe(vector.out.sessionKey);
  });
});

describe("spec §6 broadcast vectors (B*)", () => {
  it.each(group("B").map((vector) => [vector.id, vector] as const))("%s", (_id, vector) => {
    const params = paramsOf(vector);
    const route = resolveAgentRoute(params);
    const result = resolveBroadcastRuns({
      cfg: vector.cfg,
      route,
      channel: params.channel,
      peer: params.peer,
    });
    expect(result.runs).toMatchObject(vector.out.runs as object[]);
    expect(result.warnings).toEqual([]);
  });
});

// Spec §3.5, one row per line: session config, input, expected agent and key.
const links = { alice: ["telegram:111111111", "discord:222222222222222222"] };
const table: Array<[string, unknown, Omit<ResolveAgentRouteParams, "cfg">, string, string]> = [
  [
    "{} DM",
    {},
    { channel: "whatsapp", peer: { kind: "direct", id: "+15551234567" } },
    "main",
    "agent:main:main",
  ],
  [
    "per-peer DM",
    { session: { dmScope: "per-peer" } },
    { channel: "whatsapp", peer: { kind: "direct", id: "+15551234567" } },
    "main",
    "agent:main:direct:+15551234567",
  ],
  [
    "per-channel-peer DM",
    { session: { dmScope: "per-channel-peer" } },
    { channel: "whatsapp", peer: { kind: "direct", id: "+15551234567" } },
    "main",
    "agent:main:whatsapp:direct:+15551234567",
  ],
  [
    "per-account-channel-peer with account",
    { session: { dmScope: "per-account-channel-peer" } },
    { channel: "telegram", accountId: "tasks", peer: { kind: "direct", id: "7550356539" } },
    "main",
    "agent:main:telegram:tasks:direct:7550356539",
  ],
  [
    "per-account-channel-peer without account",
    { session: { dmScope: "per-account-channel-peer" } },
    { channel: "telegram", peer: { kind: "direct", id: "7550356539" } },
    "main",
    "agent:main:telegram:default:direct:7550356539",
  ],
  [
    "per-peer with identity links",
    { session: { dmScope: "per-peer", identityLinks: links } },
    { channel: "telegram", peer: { kind: "direct", id: "111111111" } },
    "main",
    "agent:main:direct:alice",
  ],
  [
    "per-channel-peer with identity links",
    { session: { dmScope: "per-channel-peer", identityLinks: links } },
    { channel: "discord", peer: { kind: "direct", id: "222222222222222222" } },
    "main",
    "agent:main:discord:direct:alice",
  ],
  [
    "bound discord channel",
    {
      bindings: [
        {
          agentId: "chan",
          match: { channel: "discord", accountId: "default", peer: { kind: "channel", id: "c1" } },
        },
      ],
    },
    { channel: "discord", accountId: "default", peer: { kind: "channel", id: "c1" } },
    "chan",
    "agent:chan:discord:channel:c1",
  ],
  [
    "bigint channel id",
    {},
    { channel: "discord", peer: { kind: "channel", id: 1468834856187203680n } },
    "main",
    "agent:main:discord:channel:1468834856187203680",
  ],
  [
    "wildcard-bound empty group id",
    {
      bindings: [{ agentId: "any-group", match: { channel: "telegram", peer: { kind: "group", id: "*" } } }],
    },
    { channel: "telegram", peer: { kind: "group", id: "" } },
    "any-group",
    "agent:any-group:telegram:group:unknown",
  ],
  [
    "slack channel",
    {},
    { channel: "slack", peer: { kind: "channel", id: "C0123TEAM" } },
    "main",
    "agent:main:slack:channel:c0123team",
  ],
  [
    "telegram forum topic",
    {},
    { channel: "telegram", peer: { kind: "group", id: "-1001234567890:topic:42" } },
    "main",
    "agent:main:telegram:group:-1001234567890:topic:42",
  ],
  [
    "signal group keeps its case",
    {
      bindings: [
        { agentId: "arjun", match: { channel: "signal", peer: { kind: "group", id: "mb+09B3md7XyZ=" } } },
      ],
    },
    { channel: "signal", peer: { kind: "group", id: "mb+09B3md7XyZ=" } },
    "arjun",
    "agent:arjun:signal:group:mb+09B3md7XyZ=",
  ],
];

describe("spec §3.5 session key table", () => {
  it.each(table)("%s", (_name, cfg, input, agentId, sessionKey) => {
    const params = { cfg, ...input } as ResolveAgentRouteParams;
    const route = resolveAgentRoute(params);
    expect(route.agentId).toBe(agentId);
    expect(route.sessionKey).toBe(sessionKey);
    expect(resolveAgentRouteReference(params)).toEqual(route);
  });
});
