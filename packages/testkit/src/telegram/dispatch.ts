import type { ServerResponse } from "node:http";
import { postUpdate, writeJson } from "./http.js";
import type { Params } from "./methods.js";
import type { TgUpdate } from "./wire.js";
import { type BotState, updateType, type WebhookSetting } from "./world.js";

interface HeldPoll {
  res: ServerResponse;
  offset: number;
  limit: number;
  timer: NodeJS.Timeout;
}

/** One webhook POST attempt, as the fake made it. */
export interface WebhookDelivery {
  botId: number;
  updateId: number;
  status?: number;
  error?: string;
  at: number;
}

export interface DispatcherOptions {
  now: () => number;
  webhookRetryMs: number;
  webhookMaxAttempts: number;
  /** Called after every observable change (a poll held, a delivery made). */
  changed: () => void;
}

/**
 * Gets queued updates to bots the way Telegram does: long polls held until an update arrives
 * (offsets confirm, a newer poll terminates an older one with 409), or webhook POSTs one at a
 * time with redelivery after a non-2xx answer.
 */
export class UpdateDispatcher {
  readonly deliveries: WebhookDelivery[] = [];
  readonly #polls = new Map<string, HeldPoll>();
  readonly #pumping = new Set<string>();
  readonly #stop = new AbortController();
  readonly #options: DispatcherOptions;

  constructor(options: DispatcherOptions) {
    this.#options = options;
  }

  isPolling(token: string): boolean {
    return this.#polls.has(token);
  }

  stop(): void {
    this.#stop.abort();
    for (const poll of this.#polls.values()) clearTimeout(poll.timer);
    this.#polls.clear();
  }

  /** Destroys the sockets of held long polls (all bots, or one token's). */
  dropPolls(token?: string): void {
    for (const [held, poll] of this.#polls) {
      if (token !== undefined && token !== held) continue;
      clearTimeout(poll.timer);
      this.#polls.delete(held);
      poll.res.socket?.destroy();
    }
  }

  /** New updates (or a webhook change): answer the held poll, or start pushing to the webhook. */
  wake(state: BotState): void {
    if (state.webhook) void this.#pump(state);
    else if (state.pending.length > 0 || state.duplicates.length > 0) this.answerPoll(state);
  }

  getUpdates(state: BotState, params: Params, res: ServerResponse): void {
    if (state.webhook) {
      writeJson(res, 409, {
        ok: false,
        error_code: 409,
        description:
          "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
      });
      return;
    }
    const offset = Number(params.offset ?? 0) || 0;
    const limit = Math.min(100, Math.max(1, Number(params.limit ?? 100) || 100));
    const timeout = Math.max(0, Number(params.timeout ?? 0) || 0);
    if (Array.isArray(params.allowed_updates) && params.allowed_updates.length > 0) {
      state.allowedUpdates = params.allowed_updates.map(String);
    }
    // Telegram confirms every update below the offset; they are never sent again.
    if (offset > 0) {
      const kept = state.pending.filter((u) => u.update_id >= offset);
      state.pending.splice(0, state.pending.length, ...kept);
    }
    this.answerPoll(
      state,
      409,
      "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
    );
    const ready = this.#collect(state, offset, limit);
    if (ready.length > 0 || timeout === 0) {
      writeJson(res, 200, { ok: true, result: ready });
      return;
    }
    const timer = setTimeout(() => this.answerPoll(state), timeout * 1000);
    this.#polls.set(state.bot.token, { res, offset, limit, timer });
    res.on("close", () => {
      const held = this.#polls.get(state.bot.token);
      if (held?.res === res) {
        clearTimeout(held.timer);
        this.#polls.delete(state.bot.token);
      }
    });
    this.#options.changed();
  }

  /** Forced duplicates first, then unconfirmed updates at or past the offset, of allowed types. */
  #collect(state: BotState, offset: number, limit: number): TgUpdate[] {
    const allowed = state.allowedUpdates;
    const wanted = (u: TgUpdate) => !allowed || allowed.length === 0 || allowed.includes(updateType(u) ?? "");
    const kept = state.pending.filter(wanted);
    state.pending.splice(0, state.pending.length, ...kept);
    const duplicates = state.duplicates.splice(0, limit);
    return [...duplicates, ...kept.filter((u) => u.update_id >= offset).slice(0, limit - duplicates.length)];
  }

  /** Answers the held poll of `state`'s bot: with updates, or with an error status. */
  answerPoll(state: BotState, errorStatus?: number, description?: string): void {
    const poll = this.#polls.get(state.bot.token);
    if (!poll) return;
    clearTimeout(poll.timer);
    this.#polls.delete(state.bot.token);
    if (errorStatus !== undefined) {
      writeJson(poll.res, errorStatus, {
        ok: false,
        error_code: errorStatus,
        description: description ?? "Error",
      });
      return;
    }
    writeJson(poll.res, 200, { ok: true, result: this.#collect(state, poll.offset, poll.limit) });
  }

  /** Delivers queued updates to the bot's webhook one at a time, retrying non-2xx answers. */
  async #pump(state: BotState): Promise<void> {
    const token = state.bot.token;
    if (this.#pumping.has(token)) return;
    this.#pumping.add(token);
    try {
      while (state.webhook && !this.#stop.signal.aborted) {
        const duplicate = state.duplicates.shift();
        const update = duplicate ?? state.pending[0];
        if (!update) break;
        await this.#deliverToWebhook(state, state.webhook, update);
        if (!duplicate) state.pending.splice(state.pending.indexOf(update), 1);
        this.#options.changed();
      }
    } finally {
      this.#pumping.delete(token);
    }
  }

  async #deliverToWebhook(state: BotState, webhook: WebhookSetting, update: TgUpdate): Promise<void> {
    for (let attempt = 1; attempt <= this.#options.webhookMaxAttempts; attempt++) {
      const delivery: WebhookDelivery = {
        botId: state.bot.id,
        updateId: update.update_id,
        at: this.#options.now(),
      };
      try {
        const options = {
          signal: this.#stop.signal,
          ...(webhook.secretToken ? { secretToken: webhook.secretToken } : {}),
        };
        const result = await postUpdate(webhook.url, update, options);
        delivery.status = result.status;
      } catch (error) {
        delivery.error = String(error);
      }
      this.deliveries.push(delivery);
      this.#options.changed();
      if (delivery.status !== undefined && delivery.status >= 200 && delivery.status < 300) return;
      if (this.#stop.signal.aborted) return;
      await new Promise((r) => setTimeout(r, this.#options.webhookRetryMs));
    }
  }
}
