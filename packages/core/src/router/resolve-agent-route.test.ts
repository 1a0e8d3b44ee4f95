import { describe, expect, it } from "vitest";
import { resolveAgentRoute, routerForConfig } from "./resolve-agent-route.js";

const peerBinding = (agentId: string, id: string) => ({
  agentId,
  match: { channel: "whatsapp", peer: { kind: "direct", id } },
});
const dm = (id: string) => ({ channel: "whatsapp", peer: { kind: "direct", id } });

describe("resolveAgentRoute", () => {
  it("compiles once per config object", () => {
    const cfg = { bindings: [peerBinding("a", "+1")] };
    expect(routerForConfig(cfg)).toBe(routerForConfig(cfg));
    expect(resolveAgentRoute({ cfg, ...dm("+1") }).agentId).toBe("a");
  });

  it("recompiles when bindings, agents or session change identity, or bindings change length", () => {
    const cfg: Record<string, unknown> = { bindings: [peerBinding("a", "+1")] };
    expect(resolveAgentRoute({ cfg, ...dm("+1") }).agentId).toBe("a");

    cfg.bindings = [peerBinding("b", "+1")];
    expect(resolveAgentRoute({ cfg, ...dm("+1") }).agentId).toBe("b");

    (cfg.bindings as unknown[]).unshift(peerBinding("c", "+1"));
    expect(resolveAgentRoute({ cfg, ...dm("+1") }).agentId).toBe("c");

    cfg.agents = { list: [{ id: "home" }] };
    expect(resolveAgentRoute({ cfg, ...dm("+1") }).agentId).toBe("home");
    (cfg.agents as { list: unknown[] }).list = [{ id: "c" }];
    expect(resolveAgentRoute({ cfg, ...dm("+1") }).agentId).toBe("c");

    cfg.session = { dmScope: "per-peer" };
    expect(resolveAgentRoute({ cfg, ...dm("+1") }).sessionKey).toBe("agent:c:direct:+1");
    (cfg.session as { dmScope: string }).dmScope = "per-channel-peer";
    expect(resolveAgentRoute({ cfg, ...dm("+1") }).sessionKey).toBe("agent:c:whatsapp:direct:+1");
  });

  it("returns a fresh object every call, so callers cannot poison later results", () => {
    const cfg = {};
    const first = resolveAgentRoute({ cfg, ...dm("+1") });
    first.sessionKey = "mutated";
    const second = resolveAgentRoute({ cfg, ...dm("+1") });
    expect(second).not.toBe(first);
    expect(second.sessionKey).toBe("agent:main:main");
  });

  it("never throws on odd parameters", () => {
    for (const params of [
      null,
      undefined,
      5,
      {},
      { cfg: null },
      { cfg: "x", channel: 3 },
      { cfg: [], peer: 7 },
    ]) {
      expect(resolveAgentRoute(params as never)).toMatchObject({ agentId: "main", matchedBy: "default" });
    }
  });

  it("keys a numeric or bigint peer id as text", () => {
    expect(
      resolveAgentRoute({ cfg: {}, channel: "discord", peer: { kind: "channel", id: 42n } }).sessionKey,
    ).toBe("agent:main:discord:channel:42");
  });
});
