import { describe, expect, it } from "vitest";
import { escapeLabelValue, MetricsRegistry } from "./metrics.js";

describe("MetricsRegistry", () => {
  it("renders counters and gauges with HELP/TYPE lines and labels", () => {
    const registry = new MetricsRegistry();
    const inbound = registry.counter({
      name: "patchbay_inbound_total",
      help: "Inbound messages.",
      labelNames: ["channel", "account"],
    });
    const up = registry.gauge({ name: "patchbay_up", help: "1 when running." });
    inbound.inc({ channel: "telegram", account: "a" });
    inbound.inc({ channel: "telegram", account: "a" }, 2);
    inbound.inc({ account: "b", channel: "slack" });
    up.set(undefined, 1);
    expect(registry.render()).toBe(
      [
        "# HELP patchbay_inbound_total Inbound messages.",
        "# TYPE patchbay_inbound_total counter",
        'patchbay_inbound_total{channel="telegram",account="a"} 3',
        'patchbay_inbound_total{channel="slack",account="b"} 1',
        "# HELP patchbay_up 1 when running.",
        "# TYPE patchbay_up gauge",
        "patchbay_up 1",
        "",
      ].join("\n"),
    );
  });

  it("escapes label values and help text", () => {
    const registry = new MetricsRegistry();
    const drops = registry.counter({
      name: "patchbay_drops_total",
      help: 'Drops by "reason"\\ with a\nnewline',
      labelNames: ["reason"],
    });
    drops.inc({ reason: 'a "quoted" back\\slash\nline' });
    const text = registry.render();
    expect(text).toContain('# HELP patchbay_drops_total Drops by "reason"\\\\ with a\\nnewline\n');
    expect(text).toContain('patchbay_drops_total{reason="a \\"quoted\\" back\\\\slash\\nline"} 1\n');
    expect(escapeLabelValue("x")).toBe("x");
  });

  it("renders histograms with cumulative buckets, +Inf, _sum and _count", () => {
    const registry = new MetricsRegistry();
    const latency = registry.histogram({
      name: "patchbay_turn_seconds",
      help: "Turn latency.",
      labelNames: ["agent"],
      buckets: [0.1, 1, 5],
    });
    for (const v of [0.05, 0.1, 0.5, 2, 10]) latency.observe({ agent: "alex" }, v);
    expect(registry.render().split("\n")).toEqual([
      "# HELP patchbay_turn_seconds Turn latency.",
      "# TYPE patchbay_turn_seconds histogram",
      'patchbay_turn_seconds_bucket{agent="alex",le="0.1"} 2',
      'patchbay_turn_seconds_bucket{agent="alex",le="1"} 3',
      'patchbay_turn_seconds_bucket{agent="alex",le="5"} 4',
      'patchbay_turn_seconds_bucket{agent="alex",le="+Inf"} 5',
      'patchbay_turn_seconds_sum{agent="alex"} 12.65',
      'patchbay_turn_seconds_count{agent="alex"} 5',
      "",
    ]);
  });

  it("startTimer observes elapsed seconds from an injected clock", () => {
    const registry = new MetricsRegistry();
    const h = registry.histogram({ name: "t_seconds", help: "t", buckets: [1] });
    let now = 1000;
    const stop = h.startTimer(undefined, () => now);
    now = 1500;
    expect(stop()).toBe(0.5);
    expect(registry.render()).toContain('t_seconds_bucket{le="1"} 1\n');
  });

  it("gauges with collect are refreshed at render time", () => {
    const registry = new MetricsRegistry();
    let depth = 3;
    registry.gauge({
      name: "patchbay_queue_depth",
      help: "Queued turns.",
      labelNames: ["lane"],
      collect: (g) => {
        g.reset();
        if (depth > 0) g.set({ lane: "all" }, depth);
      },
    });
    expect(registry.render()).toContain('patchbay_queue_depth{lane="all"} 3');
    depth = 0;
    expect(registry.render()).not.toContain("patchbay_queue_depth{");
  });

  it("rejects bad names, wrong labels, negative counter steps and clashing names", () => {
    const registry = new MetricsRegistry();
    expect(() => registry.counter({ name: "bad-name", help: "" })).toThrow(TypeError);
    expect(() => registry.counter({ name: "x_total", help: "", labelNames: ["__x"] })).toThrow(TypeError);
    expect(() => registry.histogram({ name: "h", help: "", labelNames: ["le"] })).toThrow(TypeError);
    expect(() => registry.histogram({ name: "h2", help: "", buckets: [2, 1] })).toThrow(TypeError);
    const c = registry.counter({ name: "c_total", help: "", labelNames: ["a"] });
    expect(() => c.inc({ b: "x" })).toThrow(TypeError);
    expect(() => c.inc({})).toThrow(TypeError);
    expect(() => c.inc({ a: "x" }, -1)).toThrow(RangeError);
    registry.histogram({ name: "lat", help: "" });
    expect(() => registry.counter({ name: "lat_count", help: "" })).toThrow(TypeError);
    expect(() => registry.gauge({ name: "c_total", help: "" })).toThrow(TypeError);
  });

  it("formats special values", () => {
    const registry = new MetricsRegistry();
    const g = registry.gauge({ name: "g", help: "", labelNames: ["k"] });
    g.set({ k: "nan" }, Number.NaN);
    g.set({ k: "inf" }, Number.POSITIVE_INFINITY);
    g.set({ k: "ninf" }, Number.NEGATIVE_INFINITY);
    g.inc({ k: "n" }, 5);
    g.dec({ k: "n" }, 2);
    const text = registry.render();
    expect(text).toContain('g{k="nan"} NaN');
    expect(text).toContain('g{k="inf"} +Inf');
    expect(text).toContain('g{k="ninf"} -Inf');
    expect(text).toContain('g{k="n"} 3');
    expect(new MetricsRegistry().render()).toBe("");
  });
});
