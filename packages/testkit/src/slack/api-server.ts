import type { IncomingMessage, ServerResponse } from "node:http";
import type { SlackFaults } from "./faults.js";
import type { FakeApiCall, SlackWebApi } from "./web-api.js";

/**
 * Serves the Web API under `/api/<method>`: form or JSON parameters, the token from
 * `Authorization: Bearer …` (or a `token` parameter), scripted faults first, and every call recorded.
 */
export function createApiHandler(deps: {
  api: SlackWebApi;
  faults: SlackFaults;
  calls: FakeApiCall[];
  changed: () => void;
}): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://fake");
      if (!url.pathname.startsWith("/api/")) {
        res.writeHead(404, { "content-type": "text/plain" }).end("not found");
        return;
      }
      const method = url.pathname.slice("/api/".length);
      const raw = Buffer.concat(chunks).toString("utf8");
      const params = parseParams(String(req.headers["content-type"] ?? ""), raw, url.searchParams);
      const bearer = /^Bearer (.+)$/i.exec(String(req.headers.authorization ?? ""))?.[1];
      const token = bearer ?? (typeof params.token === "string" ? params.token : undefined);
      const fault = deps.faults.take(method, token);
      if (fault) {
        deps.calls.push({ method, token, params, status: fault.status, response: fault.body });
        res.writeHead(fault.status, fault.headers).end(fault.body);
        deps.changed();
        return;
      }
      const answer = deps.api.handle(method, token, params);
      deps.calls.push({ method, token, params, status: answer.status, response: answer.body });
      res.writeHead(answer.status, answer.headers).end(JSON.stringify(answer.body));
      deps.changed();
    });
  };
}

function parseParams(contentType: string, raw: string, query: URLSearchParams): Record<string, unknown> {
  const params: Record<string, unknown> = Object.fromEntries(query);
  if (contentType.includes("application/json")) {
    try {
      const parsed: unknown = JSON.parse(raw || "{}");
      if (typeof parsed === "object" && parsed !== null) Object.assign(params, parsed);
    } catch {
      // A malformed JSON body carries no parameters; the method answers as Slack would.
    }
    return params;
  }
  if (contentType.includes("application/x-www-form-urlencoded")) {
    Object.assign(params, Object.fromEntries(new URLSearchParams(raw)));
  }
  return params;
}
