import { describe, expect, it } from "vitest";
import { resolveAgentRoute } from "../router/resolve-agent-route.js";
import { resolveBroadcastRuns, resolveBroadcastStrategy } from "./broadcast.js";

const group = { kind: "group", id: "120363@g.us" };
const runsFor = (
  cfg: Record<string, unknown>,
  channel = "whatsapp",
  peer: { kind: string; id: string } = group,
  accountId?: string,
) => {
  const route = resolveAgentRoute({ cfg, channel, accountId, peer });
  return { route, result: resolveBroadcastRuns({ cfg, route, channel, peer }) };
};

describe("resolveBroadcastRuns", () => {
  it("fans a WhatsApp group out to each listed agent with its own key", () => {
    const { result } = runsFor({
      agents: { list: [{ id: "alfred" }, { id: "Baerbel" }] },
      broadcast: { "120363@g.us": ["Alfred", "baerbel", "alfred"] },
    });
    expect(result).toEqual({
      runs: [
        {
          agentId: "alfred",
          sessionKey: "agent:alfred:whatsapp:group:120363@g.us",
          mainSessionKey: "agent:alfred:main",
        },
        {
          agentId: "baerbel",
          sessionKey: "agent:baerbel:whatsapp:group:120363@g.us",
          mainSessionKey: "agent:baerbel:main",
        },
      ],
      warnings: [],
    });
  });

  it("skips agents missing from agents.list with a warning naming the normalised id", () => {
    const { result } = runsFor({
      agents: { list: [{ id: "alfred" }] },
      broadcast: { "120363@g.us": ["alfred", "Ghost Agent"] },
    });
    expect(result.runs.map((run) => run.agentId)).toEqual(["alfred"]);
    expect(result.warnings).toEqual(["Broadcast agent ghost-agent not found in agents.list; skipping"]);
  });

  it("runs the ordinary route, with the warnings, when every agent is skipped", () => {
    const { route, result } = runsFor({
      agents: { list: [{ id: "home" }] },
      broadcast: { "120363@g.us": ["ghost"] },
    });
    expect(result.runs).toEqual([
      { agentId: route.agentId, sessionKey: route.sessionKey, mainSessionKey: route.mainSessionKey },
    ]);
    expect(result.warnings).toEqual(["Broadcast agent ghost not found in agents.list; skipping"]);
  });

  it("runs every listed agent when there is no agents list", () => {
    const { result } = runsFor({ broadcast: { "120363@g.us": ["x", "y"] } });
    expect(result.runs.map((run) => run.agentId)).toEqual(["x", "y"]);
  });

  it("keys DMs under session.dmScope, keeping the route's account", () => {
    const peer = { kind: "direct", id: "+15555550123" };
    const cfg = {
      session: { dmScope: "per-account-channel-peer" },
      broadcast: { "+15555550123": ["a", "b"] },
    };
    const { result } = runsFor(cfg, "whatsapp", peer, "Biz");
    expect(result.runs.map((run) => run.sessionKey)).toEqual([
      "agent:a:whatsapp:biz:direct:+15555550123",
      "agent:b:whatsapp:biz:direct:+15555550123",
    ]);
  });

  it("gives just the ordinary route elsewhere", () => {
    const cfg = { broadcast: { "120363@g.us": ["x", "y"], strategy: ["x"], constructor: ["x"] } };
    for (const [channel, peer] of [
      ["telegram", group],
      ["whatsapp", { kind: "group", id: "other@g.us" }],
      ["whatsapp", { kind: "group", id: "strategy" }],
      ["whatsapp", { kind: "group", id: "toString" }],
    ] as const) {
      const { route, result } = runsFor(cfg, channel, peer);
      expect(result).toEqual({
        runs: [
          { agentId: route.agentId, sessionKey: route.sessionKey, mainSessionKey: route.mainSessionKey },
        ],
        warnings: [],
      });
    }
    expect(runsFor({ broadcast: { "120363@g.us": [] } }).result.runs).toHaveLength(1);
  });

  it("never throws on odd input", () => {
    for (const params of [
      {},
      { cfg: null, route: null, channel: "whatsapp", peer: null },
      { cfg: { broadcast: 5 } },
    ]) {
      expect(resolveBroadcastRuns(params as never).runs).toHaveLength(1);
    }
  });
});

describe("resolveBroadcastStrategy", () => {
  it("is parallel unless configured sequential", () => {
    expect(resolveBroadcastStrategy({})).toBe("parallel");
    expect(resolveBroadcastStrategy({ broadcast: { strategy: "parallel" } })).toBe("parallel");
    expect(resolveBroadcastStrategy({ broadcast: { strategy: "sequential" } })).toBe("sequential");
    expect(resolveBroadcastStrategy({ broadcast: { strategy: "bogus" } })).toBe("parallel");
    expect(resolveBroadcastStrategy(null)).toBe("parallel");
  });
});
