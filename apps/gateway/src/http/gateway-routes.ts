import { normalizeAccountId, toGatewayError } from "@patchbay/core";
import { CONSOLE_HTML } from "../console/page.js";
import type { RunningGateway } from "../gateway.js";
import { PROMETHEUS_CONTENT_TYPE } from "../stores/index.js";
import { hasAdminToken } from "./admin-token.js";
import { type Route, readJson, sendJson } from "./server.js";

/** Health, metrics, the console page and its JSON API. */
export function gatewayRoutes(
  gateway: RunningGateway,
  options: { dev: boolean; adminToken: string },
): Route[] {
  const { dev, adminToken } = options;
  const accounts = () =>
    gateway.status().map((s) => ({
      channel: s.channel,
      accountId: s.accountId,
      state: s.state,
      ...(s.reason ? { reason: s.reason } : {}),
      ...(s.lastInboundAt ? { lastInboundAt: s.lastInboundAt } : {}),
      ...(s.lastEventAt ? { lastEventAt: s.lastEventAt } : {}),
      reconnects: s.reconnects,
      since: s.since,
    }));
  return [
    {
      method: "GET",
      path: "/healthz",
      handler: (_req, res) => {
        const list = accounts();
        const ok = list.every((account) => account.state === "ready");
        sendJson(res, ok ? 200 : 503, { ok, accounts: list });
      },
    },
    {
      method: "GET",
      path: "/metrics",
      handler: (_req, res) => {
        res.writeHead(200, { "content-type": PROMETHEUS_CONTENT_TYPE });
        res.end(gateway.metrics.registry.render());
      },
    },
    {
      method: "GET",
      path: "/",
      handler: (_req, res) => {
        res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
        res.end(CONSOLE_HTML);
      },
    },
    { method: "GET", path: "/api/info", handler: (_req, res) => sendJson(res, 200, { dev }) },
    {
      method: "GET",
      path: "/api/accounts",
      handler: async (req, res) => {
        const list = accounts();
        if (new URL(req.url ?? "/", "http://x").searchParams.get("probe") !== "1") {
          sendJson(res, 200, { accounts: list });
          return;
        }
        const probed = await Promise.all(
          list.map(async (account) => {
            const adapter = gateway.adapter(account.channel, account.accountId);
            if (!adapter?.probe)
              return {
                ...account,
                probe: {
                  ok: false,
                  error: adapter
                    ? "probe not supported"
                    : `account not running${account.reason ? `: ${account.reason}` : ""}`,
                },
              };
            const probe = await adapter
              .probe()
              .catch((error: unknown) => ({ ok: false, error: toGatewayError(error).message }));
            return { ...account, probe };
          }),
        );
        sendJson(res, 200, { accounts: probed });
      },
    },
    {
      method: "POST",
      path: "/api/pairing/notify",
      handler: async (req, res) => {
        if (!hasAdminToken(req, adminToken)) {
          sendJson(res, 401, { error: "admin token required" });
          return;
        }
        const body = (await readJson(req)) as {
          channel?: string;
          accountId?: string;
          senderId?: string;
        } | null;
        if (!body?.channel || !body.senderId) {
          sendJson(res, 400, { error: "channel and senderId are required" });
          return;
        }
        const accountId = normalizeAccountId(body.accountId);
        const adapter = gateway.adapter(body.channel, accountId);
        if (!adapter) {
          sendJson(res, 404, { error: `account ${body.channel}/${accountId} is not running` });
          return;
        }
        try {
          await adapter.send(
            { channel: body.channel, accountId, peer: { kind: "direct", id: body.senderId } },
            { text: "You're approved. Send your message again and an agent will answer." },
          );
        } catch (error) {
          // The platform's own reason (blocked, chat not found, …) is what the operator needs.
          sendJson(res, 502, { error: toGatewayError(error).message });
          return;
        }
        sendJson(res, 200, { notified: true });
      },
    },
    {
      method: "GET",
      path: "/api/events",
      handler: (_req, res) => sendJson(res, 200, { events: gateway.events.recent() }),
    },
  ];
}
