import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "@patchbay/core";

/** A request the client got wrong; the server answers with `status` and the message. */
export class HttpError extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.name = "HttpError";
    this.status = status;
  }
}

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface Route {
  method: "GET" | "POST";
  /** Exact path (query strings are ignored). */
  path: string;
  handler: RequestHandler;
}

/**
 * The gateway's one HTTP server. Routes are looked up per request, so webhook endpoints follow the
 * accounts running at that moment (a reload can never leave a stale or missing route behind).
 */
export class GatewayHttpServer {
  readonly #server: Server;
  readonly #routes: () => readonly Route[];
  readonly #logger: Logger;

  constructor(routes: () => readonly Route[], logger: Logger) {
    this.#routes = routes;
    this.#logger = logger;
    this.#server = createServer((req, res) => void this.#handle(req, res));
  }

  async listen(port: number, host: string): Promise<{ port: number; url: string }> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once("error", reject);
      this.#server.listen(port, host, () => {
        this.#server.off("error", reject);
        resolve();
      });
    });
    const address = this.#server.address() as AddressInfo;
    const shownHost = host.includes(":") ? `[${host}]` : host;
    return { port: address.port, url: `http://${shownHost}:${address.port}` };
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.#server.closeIdleConnections?.();
      this.#server.close(() => resolve());
      setTimeout(() => this.#server.closeAllConnections?.(), 2_000).unref();
    });
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    const route = this.#routes().find((r) => r.method === req.method && r.path === path);
    if (!route) {
      sendJson(res, 404, { error: "not found" });
      return;
    }
    try {
      await route.handler(req, res);
    } catch (error) {
      if (error instanceof HttpError) {
        if (!res.headersSent) sendJson(res, error.status, { error: error.message });
        else res.end();
        // Stop reading an oversized body instead of draining it.
        if (error.status === 413) req.destroy();
        return;
      }
      this.#logger.error("http handler failed", {
        path,
        reason: error instanceof Error ? error.message : String(error),
      });
      if (!res.headersSent) sendJson(res, 500, { error: "internal error" });
      else res.end();
    }
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  res.end(text);
}

/** Reads a JSON request body of at most `limit` bytes (413 beyond it, 400 when not JSON). */
export async function readJson(req: IncomingMessage, limit = 1_000_000): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpError(413, "request body too large");
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8") || "null");
  } catch {
    throw new HttpError(400, "request body is not valid JSON");
  }
}
