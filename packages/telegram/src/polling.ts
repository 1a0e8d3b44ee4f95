import {
  Backoff,
  type BackoffOptions,
  type GatewayError,
  type Logger,
  sleep,
  toGatewayError,
} from "@patchbay/core";
import { isAuthError, isConflictError } from "./errors.js";
import type { HealthMonitor } from "./health-monitor.js";
import type { UpdateLedger } from "./update-ledger.js";
import { readUpdateId } from "./updates.js";

export interface PollLoopDeps {
  getUpdates(
    params: { offset: number; timeoutSeconds: number; limit: number },
    signal: AbortSignal,
  ): Promise<unknown[]>;
  ledger: UpdateLedger;
  /** Hands one raw update to the pipeline; rejects when the sink did not accept it. */
  process(raw: unknown): Promise<void>;
  health: HealthMonitor;
  logger: Logger;
  onAuthFailure(error: GatewayError): void;
  options: { timeoutSeconds: number; limit: number; deliveryAttempts: number; backoff: BackoffOptions };
  signal: AbortSignal;
}

/**
 * Long polling, our own loop over the Bot API client rather than grammy's `bot.start()`:
 * - grammy confirms a batch by requesting the next one, and its `stop()` sends one more
 *   getUpdates that acknowledges everything fetched, handled or not. We must own that moment:
 *   every update is handed to the sink (awaited) and committed to the ledger, and the ledger is
 *   flushed, before the next getUpdates carries the offset that acknowledges it;
 * - stop aborts the held request at once (no trailing acknowledging call), and an update not yet
 *   committed is simply fetched again on the next start;
 * - failures go through our backoff and health, and 401 ends the loop instead of retrying.
 * Resolves when the signal aborts or the token is refused; never rejects.
 */
export async function runPollLoop(deps: PollLoopDeps): Promise<void> {
  const { signal, logger, health, ledger } = deps;
  const backoff = new Backoff(deps.options.backoff);
  while (!signal.aborted) {
    let updates: unknown[];
    try {
      await ledger.flush();
      updates = await deps.getUpdates(
        { offset: ledger.offset, timeoutSeconds: deps.options.timeoutSeconds, limit: deps.options.limit },
        signal,
      );
    } catch (error) {
      if (signal.aborted) return;
      if (isAuthError(error)) {
        deps.onAuthFailure(toGatewayError(error));
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      if (isConflictError(error)) health.replaced(`another client is using this bot token (${message})`);
      else health.failure("poll", message);
      const delayMs = backoff.next();
      logger.warn("getUpdates failed; retrying", { error: message, delayMs });
      await pause(delayMs, signal);
      continue;
    }
    backoff.reset();
    health.success("poll");
    for (const raw of updates) {
      // Whatever is left is fetched again next time: its offset was never committed.
      if (signal.aborted) return;
      await deliver(deps, raw);
    }
  }
}

/** Retries a failed hand-off in place; after `deliveryAttempts` the update is logged and skipped. */
async function deliver(deps: PollLoopDeps, raw: unknown): Promise<void> {
  const retry = new Backoff(deps.options.backoff);
  for (let attempt = 1; ; attempt++) {
    try {
      await deps.process(raw);
      deps.health.success("delivery");
      return;
    } catch (error) {
      if (deps.signal.aborted) return;
      const message = error instanceof Error ? error.message : String(error);
      deps.health.failure("delivery", message);
      const updateId = readUpdateId(raw);
      if (attempt >= deps.options.deliveryAttempts) {
        deps.logger.error("dropping an update the gateway did not accept", {
          updateId,
          attempts: attempt,
          error: message,
        });
        if (updateId !== undefined) {
          deps.ledger.record(updateId);
          await deps.ledger.flush().catch(() => undefined);
        }
        return;
      }
      const delayMs = retry.next();
      deps.logger.warn("the gateway did not accept an update; retrying", {
        updateId,
        attempt,
        delayMs,
        error: message,
      });
      await pause(delayMs, deps.signal);
    }
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return sleep(ms, signal).catch(() => undefined);
}
