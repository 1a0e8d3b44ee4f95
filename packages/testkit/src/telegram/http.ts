import type { IncomingMessage, ServerResponse } from "node:http";

const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** Reads a request body, refusing anything over 10 MB. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error("request body too large"));
        req.destroy();
        return;
      }
      parts.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(parts).toString("utf8")));
    req.on("error", reject);
  });
}

/** Bot API parameters from a JSON or urlencoded body, merged over the query string. */
export function parseParams(
  url: URL,
  contentType: string | undefined,
  body: string,
): Record<string, unknown> {
  const params: Record<string, unknown> = Object.fromEntries(url.searchParams);
  if (body === "") return params;
  if (contentType?.startsWith("application/json")) {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
      throw new Error("body is not an object");
    return { ...params, ...(parsed as Record<string, unknown>) };
  }
  if (contentType?.startsWith("application/x-www-form-urlencoded")) {
    for (const [key, value] of new URLSearchParams(body)) {
      params[key] = /^[[{]/.test(value) ? JSON.parse(value) : value;
    }
    return params;
  }
  throw new Error(`unsupported content-type ${contentType ?? "(none)"} (the fake has no multipart uploads)`);
}

export function writeJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.writableEnded || res.destroyed) return;
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, {
    "content-type": typeof body === "string" ? "text/html" : "application/json",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

/** The result of POSTing an update to a webhook. */
export interface WebhookPostResult {
  status: number;
  body: string;
}

/** POSTs an update the way Telegram delivers webhooks, with the secret header when given. */
export async function postUpdate(
  url: string,
  update: unknown,
  options: { secretToken?: string; signal?: AbortSignal } = {},
): Promise<WebhookPostResult> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (options.secretToken !== undefined) headers["x-telegram-bot-api-secret-token"] = options.secretToken;
  const init: RequestInit = { method: "POST", headers, body: JSON.stringify(update) };
  if (options.signal) init.signal = options.signal;
  const res = await fetch(url, init);
  return { status: res.status, body: await res.text() };
}
