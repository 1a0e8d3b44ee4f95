import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "@patchbay/core";
import { TeamRoutes, teamIdsOf } from "./routing.js";
import { verifySlackSignature } from "./verify.js";

/** A plain Node request handler the gateway mounts on its HTTP server. */
export type SlackHttpHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface HttpReceiverSettings {
  signingSecret: string;
  now: () => number;
  logger: Logger;
  /** Largest body accepted (default 1 MiB; Slack's events are far smaller). */
  bodyLimitBytes?: number;
}

/** A started account that takes events of its workspace. */
export interface HttpEventTarget {
  accountId: string;
  /** Handles one `event_callback` body; rejecting answers 500 so Slack retries. */
  handle(event: { body: Record<string, unknown>; retryNum?: number; retryReason?: string }): Promise<void>;
}

/**
 * Started HTTP-mode accounts by (signing secret, team id). An app has one Request URL for all
 * its workspaces, so the handler mounted there must reach every account of that app: each
 * account's handler verifies with its secret, then routes by the event's team.
 */
export class SlackHttpRouter extends TeamRoutes<HttpEventTarget> {}

/** The router every Slack channel in this process uses by default. */
export const defaultSlackHttpRouter = new SlackHttpRouter();

const DEFAULT_BODY_LIMIT = 1024 * 1024;

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLarge());
        req.removeAllListeners("data");
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function reply(res: ServerResponse, status: number, body = "", type = "text/plain; charset=utf-8"): void {
  if (res.headersSent) return;
  res.writeHead(status, { "content-type": type }).end(body);
}

/** JSON bodies (Events API) or form bodies (commands; interactivity's JSON lives in `payload`). */
function parseBody(raw: string, contentType: string): Record<string, unknown> | undefined {
  let parsed: unknown;
  if (contentType.includes("application/x-www-form-urlencoded")) {
    const form = Object.fromEntries(new URLSearchParams(raw));
    parsed = typeof form.payload === "string" ? JSON.parse(form.payload) : form;
  } else {
    parsed = JSON.parse(raw);
  }
  return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
    ? (parsed as Record<string, unknown>)
    : undefined;
}

/**
 * Slack's Events API over HTTP for one account: every request is verified (v0 signature, 5-minute
 * window) before anything else, so a forged or stale one gets 401 and reaches nobody;
 * `url_verification` is answered; events are acknowledged (200) only after the account handled
 * them, and a failure answers 500 so Slack retries. The handler ignores the path: the gateway
 * decides where it is mounted.
 */
export function createHttpHandler(settings: HttpReceiverSettings, router: SlackHttpRouter): SlackHttpHandler {
  const limit = settings.bodyLimitBytes ?? DEFAULT_BODY_LIMIT;
  const { logger } = settings;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== "POST") {
      res.setHeader("allow", "POST");
      reply(res, 405, "method not allowed");
      return;
    }
    let raw: string;
    try {
      raw = await readBody(req, limit);
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        logger.warn("Slack request body too large; refused", { limitBytes: limit });
        reply(res, 413, "payload too large");
      } else {
        reply(res, 400, "bad request");
      }
      return;
    }
    const check = verifySlackSignature({
      signingSecret: settings.signingSecret,
      rawBody: raw,
      timestamp: header(req, "x-slack-request-timestamp"),
      signature: header(req, "x-slack-signature"),
      nowMs: settings.now(),
    });
    if (!check.ok) {
      logger.warn("Slack request refused: signature verification failed", { reason: check.reason });
      reply(res, 401, "invalid request signature");
      return;
    }
    let body: Record<string, unknown> | undefined;
    try {
      body = parseBody(raw, header(req, "content-type") ?? "");
    } catch {
      body = undefined;
    }
    if (!body) {
      logger.warn("Malformed Slack request dropped (body is not a JSON object)", { bytes: raw.length });
      reply(res, 400, "malformed body");
      return;
    }
    if (body.type === "url_verification") {
      reply(res, 200, JSON.stringify({ challenge: body.challenge }), "application/json");
      return;
    }
    if (body.ssl_check !== undefined) {
      reply(res, 200);
      return;
    }
    if (!router.has(settings.signingSecret)) {
      // No account of this app is started (yet, or any more): Slack retries later.
      reply(res, 503, "not ready");
      return;
    }
    if (body.type !== "event_callback") {
      logger.debug("Slack request type not handled; acknowledged", {
        type: String(body.type ?? body.command),
      });
      reply(res, 200);
      return;
    }
    const teams = teamIdsOf(body);
    const target = router.find(settings.signingSecret, teams);
    if (!target) {
      logger.warn("Event for a workspace no started account of this app serves; dropped", { teamIds: teams });
      reply(res, 200);
      return;
    }
    const retryNum = Number(header(req, "x-slack-retry-num"));
    const retryReason = header(req, "x-slack-retry-reason");
    try {
      await target.handle({
        body,
        ...(Number.isInteger(retryNum) && retryNum > 0 ? { retryNum } : {}),
        ...(retryReason ? { retryReason } : {}),
      });
      reply(res, 200);
    } catch (error) {
      logger.warn("Slack event failed; answered 500 so Slack retries", {
        reason: error instanceof Error ? error.message : String(error),
      });
      reply(res, 500, "event failed");
    }
  };

  return (req, res) => {
    handle(req, res).catch((error: unknown) => {
      logger.error("Slack HTTP handler failed", {
        reason: error instanceof Error ? error.message : String(error),
      });
      reply(res, 500, "internal error");
    });
  };
}
