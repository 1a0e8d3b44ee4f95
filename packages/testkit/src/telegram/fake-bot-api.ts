import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { ConditionWaiters } from "../condition-waiters.js";
import { closeServer, listenOnLoopback } from "../net.js";
import { UpdateDispatcher, type WebhookDelivery } from "./dispatch.js";
import { FaultBook, type FaultKind } from "./faults.js";
import { parseParams, postUpdate, readBody, type WebhookPostResult, writeJson } from "./http.js";
import {
  type ChatActionRecord,
  callMethod,
  type MethodEnv,
  type Params,
  type SentMessageRecord,
} from "./methods.js";
import { buildForumTopic, buildUserMessage, type ForumTopic, type UserMessageOptions } from "./script.js";
import type { TgChat, TgMessage, TgUpdate, TgUser } from "./wire.js";
import { type FakeBot, FakeWorld, type WebhookSetting } from "./world.js";

export interface FakeTelegramOptions {
  /** Real milliseconds per `retry_after` second, so tests can use short floods (default 1000). */
  retryAfterUnitMs?: number;
  /** Default timeout of the `waitFor…`/`nextReply` helpers (default 5000). */
  waitTimeoutMs?: number;
  /** Pause between webhook redelivery attempts after a non-2xx answer (default 1000). */
  webhookRetryMs?: number;
  /** Webhook delivery attempts per update before the fake gives up on it (default 5). */
  webhookMaxAttempts?: number;
  now?: () => number;
}

/** One Bot API request as the fake saw it, with the token that made it. */
export interface ApiCall {
  seq: number;
  at: number;
  token: string;
  /** The bot the token belongs to; undefined for an unknown token. */
  botId?: number;
  method: string;
  params: Params;
  /** HTTP status answered; 0 while pending or when the connection was dropped. */
  status: number;
}

/**
 * A fake Telegram Bot API on 127.0.0.1 for tests and the gateway's dev playground: several bots at
 * once, long polling and webhook delivery, a scripting API ("user X says Y in chat Z", "await the
 * bot's reply"), a record of every call with its token, and fault injection.
 */
export class FakeTelegramBotApi {
  readonly world = new FakeWorld();
  readonly calls: ApiCall[] = [];
  readonly sentMessages: SentMessageRecord[] = [];
  readonly chatActions: ChatActionRecord[] = [];
  readonly #server: Server;
  readonly #faults: FaultBook;
  readonly #changes = new ConditionWaiters("Fake Telegram");
  readonly #dispatch: UpdateDispatcher;
  readonly #sentListeners = new Set<(record: SentMessageRecord) => void>();
  readonly #replyCursor = new Map<number, number>();
  readonly #env: MethodEnv;
  readonly #now: () => number;
  readonly #waitTimeoutMs: number;
  #apiRoot: string | undefined;

  constructor(options: FakeTelegramOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#faults = new FaultBook(options.retryAfterUnitMs ?? 1000, this.#now);
    this.#waitTimeoutMs = options.waitTimeoutMs ?? 5000;
    this.#dispatch = new UpdateDispatcher({
      now: this.#now,
      webhookRetryMs: options.webhookRetryMs ?? 1000,
      webhookMaxAttempts: options.webhookMaxAttempts ?? 5,
      changed: () => this.#changes.changed(),
    });
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((error: unknown) =>
        writeJson(res, 500, { ok: false, error_code: 500, description: String(error) }),
      );
    });
    this.#env = {
      world: this.world,
      now: this.#now,
      onSent: (record) => {
        this.sentMessages.push(record);
        for (const listener of this.#sentListeners) listener(record);
        this.#changes.changed();
      },
      onChatAction: (record) => {
        this.chatActions.push(record);
        this.#changes.changed();
      },
      onWebhookChanged: (state) => {
        if (state.webhook)
          this.#dispatch.answerPoll(
            state,
            409,
            "Conflict: can't use getUpdates method while webhook is active",
          );
        this.#dispatch.wake(state);
      },
    };
  }

  /** Starts listening on 127.0.0.1 (random port by default); resolves with the API root for the SDK. */
  async start(port = 0): Promise<string> {
    const bound = await listenOnLoopback(this.#server, port);
    this.#apiRoot = `http://127.0.0.1:${bound}`;
    return this.#apiRoot;
  }

  get apiRoot(): string {
    if (!this.#apiRoot) throw new Error("Fake Telegram: not started");
    return this.#apiRoot;
  }

  /** Every webhook POST attempt the fake made, with its answer. */
  get webhookDeliveries(): readonly WebhookDelivery[] {
    return this.#dispatch.deliveries;
  }

  /** Stops answering: drops held polls, aborts webhook deliveries, rejects pending waits. */
  async stop(): Promise<void> {
    this.#dispatch.stop();
    this.#changes.failAll("stopped");
    await closeServer(this.#server);
  }

  // ── bots, users and chats ──────────────────────────────────────────────────────────────────

  addBot(spec: { username?: string; firstName?: string; id?: number; token?: string } = {}): FakeBot {
    return this.world.addBot(spec);
  }

  user(
    spec: { firstName?: string; lastName?: string; username?: string; id?: number; isBot?: boolean } = {},
  ): TgUser {
    return this.world.user(spec);
  }

  group(spec: { title?: string; supergroup?: boolean; forum?: boolean } = {}): TgChat {
    return this.world.group(spec);
  }

  channel(spec: { title?: string; username?: string } = {}): TgChat {
    return this.world.channel(spec);
  }

  createForumTopic(chat: TgChat, name: string, by: TgUser = this.world.user()): ForumTopic {
    return buildForumTopic(this.world, chat, name, by, this.#now());
  }

  // ── inbound scripting ──────────────────────────────────────────────────────────────────────

  /** A user sends a message that `bot` receives (by its poll or its webhook); returns the update. */
  userMessage(bot: FakeBot, opts: UserMessageOptions): TgUpdate {
    return this.#deliver(bot, { message: buildUserMessage(this.world, bot, opts, this.#now()) });
  }

  /** A post in a channel where `bot` is an admin. */
  channelPost(
    bot: FakeBot,
    chat: TgChat,
    text: string,
    opts: { senderChat?: TgChat; authorSignature?: string } = {},
  ): TgUpdate {
    const message = this.world.store(bot, {
      date: Math.floor(this.#now() / 1000),
      chat,
      sender_chat: opts.senderChat ?? chat,
      text,
      ...(opts.authorSignature ? { author_signature: opts.authorSignature } : {}),
    });
    return this.#deliver(bot, { channel_post: message });
  }

  /** The user edits an earlier message: an `edited_message` update. */
  editMessage(bot: FakeBot, message: TgMessage, text: string): TgUpdate {
    const edited: TgMessage = { ...message, text, edit_date: Math.floor(this.#now() / 1000) };
    return this.#deliver(
      bot,
      edited.chat.type === "channel" ? { edited_channel_post: edited } : { edited_message: edited },
    );
  }

  /** A service message (`fields` such as `{ new_chat_members: [...] }`); it has no text. */
  serviceMessage(bot: FakeBot, chat: TgChat, from: TgUser, fields: Record<string, unknown>): TgUpdate {
    const message = this.world.store(bot, { date: Math.floor(this.#now() / 1000), chat, from, ...fields });
    return this.#deliver(bot, { message });
  }

  /** Delivers any payload verbatim (malformed ones included); `update_id` is assigned if absent. */
  deliverRaw(bot: FakeBot, body: Record<string, unknown>): TgUpdate {
    return this.#deliver(bot, body);
  }

  /** Fault: delivers `update` again, once, even if its offset was already confirmed. */
  redeliver(bot: FakeBot, update: TgUpdate): void {
    const state = this.world.state(bot);
    state.duplicates.push(update);
    this.#dispatch.wake(state);
  }

  /** POSTs an update to a webhook URL as Telegram would, for tests of secret handling. */
  postUpdate(
    url: string,
    update: unknown,
    options: { secretToken?: string } = {},
  ): Promise<WebhookPostResult> {
    return postUpdate(url, update, options);
  }

  // ── outbound observation ───────────────────────────────────────────────────────────────────

  /** Calls `listener` for every message a bot sends (for a live view such as the dev playground). */
  onMessageSent(listener: (record: SentMessageRecord) => void): () => void {
    this.#sentListeners.add(listener);
    return () => this.#sentListeners.delete(listener);
  }

  sentBy(bot: FakeBot): SentMessageRecord[] {
    return this.sentMessages.filter((m) => m.botId === bot.id);
  }

  callsTo(method: string, bot?: FakeBot): ApiCall[] {
    return this.calls.filter((c) => c.method === method && (bot === undefined || c.token === bot.token));
  }

  /** Updates `bot` has not yet confirmed (by offset or a 2xx webhook answer). */
  pendingUpdates(bot: FakeBot): TgUpdate[] {
    return [...this.world.state(bot).pending];
  }

  webhookOf(bot: FakeBot): WebhookSetting | undefined {
    return this.world.state(bot).webhook;
  }

  /**
   * Resolves with `bot`'s next message not returned by an earlier `nextReply` (optionally only in
   * `chatId`), waiting for it if needed.
   */
  nextReply(bot: FakeBot, opts: { chatId?: number; timeoutMs?: number } = {}): Promise<SentMessageRecord> {
    const check = () => {
      const from = this.#replyCursor.get(bot.id) ?? 0;
      const index = this.sentMessages.findIndex(
        (m, i) => i >= from && m.botId === bot.id && (opts.chatId === undefined || m.chatId === opts.chatId),
      );
      if (index < 0) return undefined;
      this.#replyCursor.set(bot.id, index + 1);
      return this.sentMessages[index];
    };
    return this.#changes.until(check, opts.timeoutMs ?? this.#waitTimeoutMs, `a reply from @${bot.username}`);
  }

  /** Resolves with the next `count` replies of `bot`. */
  async nextReplies(
    bot: FakeBot,
    count: number,
    opts: { chatId?: number; timeoutMs?: number } = {},
  ): Promise<SentMessageRecord[]> {
    const replies: SentMessageRecord[] = [];
    for (let i = 0; i < count; i++) replies.push(await this.nextReply(bot, opts));
    return replies;
  }

  /** Resolves with the first recorded call (past or future) matching `predicate`. */
  waitForCall(
    predicate: (call: ApiCall) => boolean,
    opts: { timeoutMs?: number; what?: string } = {},
  ): Promise<ApiCall> {
    return this.#changes.until(
      () => this.calls.find((c) => c.status !== 0 && predicate(c)),
      opts.timeoutMs ?? this.#waitTimeoutMs,
      opts.what ?? "a matching API call",
    );
  }

  /** Resolves once `check` returns a value; re-checked on every change of the fake's state. */
  waitUntil<T>(
    check: () => T | undefined | false,
    opts: { timeoutMs?: number; what?: string } = {},
  ): Promise<T> {
    return this.#changes.until(
      () => check() || undefined,
      opts.timeoutMs ?? this.#waitTimeoutMs,
      opts.what ?? "a condition",
    );
  }

  /** Resolves once `bot` has a long poll held open (it is idle and listening). */
  waitForPoll(bot: FakeBot, opts: { timeoutMs?: number } = {}): Promise<true> {
    return this.#changes.until(
      () => (this.#dispatch.isPolling(bot.token) ? true : undefined),
      opts.timeoutMs ?? this.#waitTimeoutMs,
      `a long poll from @${bot.username}`,
    );
  }

  // ── faults ─────────────────────────────────────────────────────────────────────────────────

  /** The next `times` (default 1) matching calls fail, stall or drop as `kind` says. */
  injectFault(spec: { bot?: FakeBot; method?: string; times?: number; kind: FaultKind }): void {
    const { bot, ...rest } = spec;
    this.#faults.add(bot ? { ...rest, token: bot.token } : rest);
  }

  /** Flood control: for `retryAfter` seconds every matching call of `bot` gets 429 with the time left. */
  floodWait(bot: FakeBot, retryAfter: number, methods?: string[]): void {
    this.#faults.flood(bot.token, retryAfter, methods);
  }

  clearFaults(): void {
    this.#faults.clear();
  }

  /** Every call with this bot's token gets 401 until `restoreToken` (a token revoked in BotFather). */
  revokeToken(bot: FakeBot): void {
    this.world.state(bot).revoked = true;
    this.#dispatch.answerPoll(this.world.state(bot), 401, "Unauthorized");
  }

  restoreToken(bot: FakeBot): void {
    this.world.state(bot).revoked = false;
  }

  /** Fault: destroys the sockets of held long polls (all bots, or one). */
  dropLongPolls(bot?: FakeBot): void {
    this.#dispatch.dropPolls(bot?.token);
  }

  // ── the HTTP side ──────────────────────────────────────────────────────────────────────────

  #deliver(bot: FakeBot, body: Record<string, unknown>): TgUpdate {
    const update = this.world.enqueue(bot, body);
    this.#dispatch.wake(this.world.state(bot));
    return update;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://fake");
    const route = /^\/bot([^/]+)\/(?:test\/)?([A-Za-z]+)$/.exec(url.pathname);
    const body = await readBody(req);
    if (!route) {
      writeJson(res, 404, { ok: false, error_code: 404, description: "Not Found" });
      return;
    }
    const token = decodeURIComponent(route[1] ?? "");
    const method = route[2] ?? "";
    let params: Params;
    try {
      params = parseParams(url, req.headers["content-type"], body);
    } catch (error) {
      writeJson(res, 400, {
        ok: false,
        error_code: 400,
        description: `Bad Request: ${String(error)}`,
      });
      return;
    }
    const state = this.world.bots.get(token);
    const call: ApiCall = { seq: this.calls.length + 1, at: this.#now(), token, method, params, status: 0 };
    if (state) call.botId = state.bot.id;
    this.calls.push(call);
    res.on("finish", () => {
      call.status = res.statusCode;
      this.#changes.changed();
    });
    if (!state || state.revoked) {
      writeJson(res, 401, { ok: false, error_code: 401, description: "Unauthorized" });
      return;
    }

    const fault = this.#faults.take(token, method);
    if (fault?.type === "drop") {
      res.socket?.destroy();
      return;
    }
    if (fault?.type === "fail") {
      writeJson(res, fault.status, fault.body);
      return;
    }
    if (fault?.type === "slow") await new Promise((r) => setTimeout(r, fault.delayMs));
    if (res.destroyed) return;

    if (method === "getUpdates") return this.#dispatch.getUpdates(state, params, res);
    const answer = callMethod(this.#env, state, method, params);
    writeJson(res, answer.status, answer.body);
  }
}
