import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "@patchbay/core";

/** A plain Node request handler, mountable on any `http.Server` or framework route. */
export type WebhookHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface WebhookReceiver {
  handle: WebhookHandler;
  /** Resolves once every update received so far has been processed. */
  drain(): Promise<void>;
}

export interface WebhookDeps {
  secretToken: string;
  /** Runs the pipeline for one update; rejects when the sink did not accept it. */
  process(raw: unknown): Promise<void>;
  /** False before start and after stop: Telegram is told to come back later (503). */
  accepting(): boolean;
  logger: Logger;
  maxBodyBytes?: number;
}

const SECRET_HEADER = "x-telegram-bot-api-secret-token";

/**
 * Receives Telegram's webhook POSTs. Our own handler rather than grammy's `webhookCallback`, so
 * both modes share one pipeline (validation, dedupe, ledger) and the answer says what happened:
 * - a missing or wrong secret gets 401 (compared in constant time) and reaches nobody;
 * - 200 only once the sink has accepted the update (or it was dropped on purpose);
 * - 500 when the sink failed, so Telegram redelivers it later; the dedupe window stops a
 *   redelivery of an update that did get through;
 * - updates are processed one at a time, in arrival order, even if Telegram sends in parallel.
 */
export function createWebhookReceiver(deps: WebhookDeps): WebhookReceiver {
  const expected = Buffer.from(deps.secretToken);
  const maxBodyBytes = deps.maxBodyBytes ?? 1024 * 1024;
  let queue: Promise<unknown> = Promise.resolve();

  const answer = (res: ServerResponse, status: number, text = "") => {
    if (res.writableEnded) return;
    res.writeHead(status, {
      "content-type": "text/plain; charset=utf-8",
      "content-length": Buffer.byteLength(text),
    });
    res.end(text);
  };

  const handle: WebhookHandler = (req, res) => {
    if (req.method !== "POST") {
      req.resume();
      return answer(res, 405, "method not allowed");
    }
    const header = req.headers[SECRET_HEADER];
    const given = Buffer.from(typeof header === "string" ? header : "");
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      req.resume();
      deps.logger.warn("rejected a webhook request with a missing or wrong secret token", {
        remoteAddress: req.socket.remoteAddress,
      });
      return answer(res, 401, "unauthorized");
    }
    if (!deps.accepting()) {
      req.resume();
      return answer(res, 503, "not ready");
    }
    readJson(req, maxBodyBytes).then(
      (body) => {
        const done = queue.then(() => deps.process(body));
        queue = done.catch(() => undefined);
        done.then(
          () => answer(res, 200),
          (error: unknown) => {
            deps.logger.warn("webhook update not accepted; Telegram will redeliver it", {
              error: error instanceof Error ? error.message : String(error),
            });
            answer(res, 500, "not processed");
          },
        );
      },
      (error: unknown) => {
        const tooLarge = error instanceof BodyTooLargeError;
        deps.logger.warn("rejected an unreadable webhook body", { error: String(error) });
        answer(res, tooLarge ? 413 : 400, tooLarge ? "payload too large" : "bad request");
      },
    );
  };
  return { handle, drain: () => queue.then(() => undefined) };
}

class BodyTooLargeError extends Error {}

function readJson(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        req.removeAllListeners("data");
        req.resume();
        reject(new BodyTooLargeError(`body over ${maxBytes} bytes`));
        return;
      }
      parts.push(chunk);
    });
    req.on("end", () => {
      try {
        resolve(JSON.parse(Buffer.concat(parts).toString("utf8")));
      } catch {
        reject(new Error("body is not JSON"));
      }
    });
    req.on("error", reject);
  });
}
