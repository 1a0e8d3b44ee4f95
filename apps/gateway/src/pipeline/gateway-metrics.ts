import { MetricsRegistry } from "../stores/index.js";

/** The gateway's metrics, one registry rendered at `GET /metrics`. */
export function createGatewayMetrics(
  collectQueues: () => { active: number; queued: number; maxDepth: number },
) {
  const registry = new MetricsRegistry();
  return {
    registry,
    inbound: registry.counter({
      name: "patchbay_inbound_total",
      help: "Inbound messages accepted from platforms (after dedupe).",
      labelNames: ["channel", "account"],
    }),
    outbound: registry.counter({
      name: "patchbay_outbound_total",
      help: "Messages sent to platforms (one per chunk).",
      labelNames: ["channel", "account"],
    }),
    drops: registry.counter({
      name: "patchbay_dropped_total",
      help: "Inbound messages that went no further, by reason.",
      labelNames: ["channel", "reason"],
    }),
    routes: registry.counter({
      name: "patchbay_route_decisions_total",
      help: "Route decisions by the tier that matched.",
      labelNames: ["channel", "matched_by"],
    }),
    turnSeconds: registry.histogram({
      name: "patchbay_turn_duration_seconds",
      help: "Agent turn latency, from dequeue to reply sent.",
      labelNames: ["agent", "runtime"],
    }),
    queue: registry.gauge({
      name: "patchbay_session_queue",
      help: "Session lane occupancy: running turns, queued turns and the deepest single queue.",
      labelNames: ["kind"],
      collect: (gauge) => {
        const stats = collectQueues();
        gauge.set({ kind: "active" }, stats.active);
        gauge.set({ kind: "queued" }, stats.queued);
        gauge.set({ kind: "max_depth" }, stats.maxDepth);
      },
    }),
  };
}

export type GatewayMetrics = ReturnType<typeof createGatewayMetrics>;
