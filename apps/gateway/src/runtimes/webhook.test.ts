import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AgentTurn } from "./types.js";
import { WebhookRuntime } from "./webhook.js";
import { signWebhookBody, verifyWebhookSignature } from "./webhook-signature.js";

const SECRET = "whsec-test-secret";
const NOW = 1_700_000_000_000;

const turn: AgentTurn = {
  agentId: "mia",
  sessionKey: "agent:mia:telegram:direct:42",
  channel: "telegram",
  accountId: "bot2",
  peer: { kind: "direct", id: "42" },
  sender: { id: "42", name: "Ann", isBot: false },
  text: "ping",
  messageId: "777",
  timestamp: NOW,
  groupHistory: [],
  history: [{ role: "user", text: "earlier" }],
  workspaceDir: "/home/someone/secret-workspace",
};

describe("WebhookRuntime against a local server that verifies signatures", () => {
  let server: Server;
  let url: string;
  let received: Array<{ verified: boolean; body: Record<string, unknown> }>;
  let respond: (res: ServerResponse, body: Record<string, unknown>) => void;

  beforeEach(async () => {
    received = [];
    respond = (res, body) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ text: `pong from ${String(body.agentId)}` }));
    };
    server = createServer((req: IncomingMessage, res) => {
      let raw = "";
      req.on("data", (c: Buffer) => {
        raw += c.toString("utf8");
      });
      req.on("end", () => {
        const header = req.headers["x-patchbay-signature"];
        const verified = verifyWebhookSignature({
          secret: SECRET,
          header: typeof header === "string" ? header : undefined,
          body: raw,
          now: () => NOW,
        });
        const body = JSON.parse(raw) as Record<string, unknown>;
        received.push({ verified, body });
        if (!verified) {
          res.writeHead(401).end();
          return;
        }
        respond(res, body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/agent?token=abc`;
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("posts the signed turn (without the local workspace path) and returns the text", async () => {
    const runtime = new WebhookRuntime({ type: "webhook", url, secret: SECRET }, { now: () => NOW });
    expect(await runtime.run(turn)).toEqual({ text: "pong from mia" });
    expect(received[0]?.verified).toBe(true);
    const body = received[0]?.body ?? {};
    expect(body).toMatchObject({
      agentId: "mia",
      text: "ping",
      accountId: "bot2",
      history: [{ text: "earlier" }],
    });
    expect(body).not.toHaveProperty("workspaceDir");
  });

  it("a wrong secret is refused by the receiver and surfaces as an HTTP failure", async () => {
    const runtime = new WebhookRuntime({ type: "webhook", url, secret: "wrong" }, { now: () => NOW });
    const error = await runtime.run(turn).catch((e: unknown) => e);
    expect(received[0]?.verified).toBe(false);
    expect(error).toMatchObject({ code: "AGENT_FAILED", reason: "http", status: 401 });
    expect((error as Error).message).not.toContain("token=abc");
  });

  it("204 or a missing text means no reply; junk is a bad response", async () => {
    const runtime = new WebhookRuntime({ type: "webhook", url, secret: SECRET }, { now: () => NOW });
    respond = (res) => res.writeHead(204).end();
    expect(await runtime.run(turn)).toEqual({ text: "" });
    respond = (res) => res.end("{}");
    expect(await runtime.run(turn)).toEqual({ text: "" });
    respond = (res) => res.end("<html>");
    await expect(runtime.run(turn)).rejects.toMatchObject({ reason: "bad-response" });
    respond = (res) => res.end(JSON.stringify({ text: 42 }));
    await expect(runtime.run(turn)).rejects.toMatchObject({ reason: "bad-response" });
  });

  it("times out when the receiver never answers", async () => {
    respond = () => {};
    const runtime = new WebhookRuntime(
      { type: "webhook", url, secret: SECRET, timeoutMs: 100 },
      { now: () => NOW },
    );
    await expect(runtime.run(turn)).rejects.toMatchObject({ reason: "timeout" });
  });
});

describe("verifyWebhookSignature", () => {
  const body = '{"a":1}';
  const t = NOW / 1000;
  const header = signWebhookBody(SECRET, body, t);

  it("accepts the exact body and rejects tampering, stale timestamps and junk headers", () => {
    expect(header).toMatch(/^t=1700000000,v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature({ secret: SECRET, header, body, now: () => NOW })).toBe(true);
    expect(verifyWebhookSignature({ secret: SECRET, header, body: '{"a":2}', now: () => NOW })).toBe(false);
    expect(verifyWebhookSignature({ secret: "other", header, body, now: () => NOW })).toBe(false);
    expect(verifyWebhookSignature({ secret: SECRET, header, body, now: () => NOW + 301_000 })).toBe(false);
    for (const bad of [undefined, "", "t=abc,v1=00", `v1=${"0".repeat(64)}`, `t=${t}`]) {
      expect(verifyWebhookSignature({ secret: SECRET, header: bad, body, now: () => NOW })).toBe(false);
    }
  });
});
