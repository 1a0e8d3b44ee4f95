import type { IncomingMessage, ServerResponse } from "node:http";
import { computePings, type Pings } from "./mentions.js";
import { createMessage } from "./payloads.js";
import type {
  DcAllowedMentions,
  DcErrorBody,
  DcGatewayBot,
  DcMessage,
  DcMessageReference,
  Snowflake,
} from "./wire.js";
import type { DiscordWorld, FakeBot } from "./world.js";

/** A message a bot sent through REST, with what Discord would have made of it. */
export interface BotMessageRecord {
  /** The bot whose token authorised the request. */
  botId: Snowflake;
  channelId: Snowflake;
  content: string;
  /** The `allowed_mentions` field exactly as sent (undefined when absent). */
  allowedMentions: DcAllowedMentions | undefined;
  messageReference: DcMessageReference | undefined;
  /** Who would actually be notified, after `allowed_mentions`. */
  pings: Pings;
  /** The request body as received. */
  body: unknown;
  /** The message as created (what the REST call returned). */
  message: DcMessage;
}

/** Every REST request, for tests. Holds the bot id the token resolved to, never the token. */
export interface RestRecord {
  method: string;
  path: string;
  botId: Snowflake | undefined;
  status: number;
  body: unknown;
}

export interface RateLimitFault {
  /** Only requests of this bot (default: any). */
  botId?: Snowflake;
  method?: string;
  /** Matched against the path after `/api/v10`, e.g. /\/channels\/\d+\/messages$/. */
  path?: RegExp;
  retryAfterMs: number;
  /** A global limit sets X-RateLimit-Global. */
  global?: boolean;
  /** How many requests get the 429 (default 1). */
  times?: number;
}

interface ActiveLimit {
  key: string;
  resetAt: number;
}

export interface RestHooks {
  gatewayUrl: () => string;
  onBotMessage: (record: BotMessageRecord) => void;
  onTyping: (botId: Snowflake, channelId: Snowflake) => void;
  dispatchMessage: (message: DcMessage) => void;
  now: () => number;
}

const MAX_CONTENT = 2000;

/**
 * The REST half of the fake: the routes discord.js uses for a bot that receives and replies
 * (gateway/bot, users/@me, channels, messages, typing, DM channels), Discord-shaped errors, and
 * 429 faults with the rate-limit headers Discord sends. Requests inside an announced rate-limit
 * window are answered 429 again and counted in `violations`.
 */
export class FakeRest {
  readonly records: RestRecord[] = [];
  violations = 0;
  readonly #world: DiscordWorld;
  readonly #hooks: RestHooks;
  readonly #faults: RateLimitFault[] = [];
  readonly #limits: ActiveLimit[] = [];

  constructor(world: DiscordWorld, hooks: RestHooks) {
    this.#world = world;
    this.#hooks = hooks;
  }

  rateLimit(fault: RateLimitFault): void {
    this.#faults.push({ ...fault, times: fault.times ?? 1 });
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = text;
      }
      const method = req.method ?? "GET";
      const path = new URL(req.url ?? "/", "http://fake").pathname.replace(/^\/api\/v10/, "");
      const auth = req.headers.authorization;
      const bot = this.#world.botByToken(auth?.startsWith("Bot ") ? auth.slice(4) : undefined);
      let response: Reply;
      try {
        response = this.#route(method, path, bot, body);
      } catch (error) {
        response = reply(500, {
          code: 0,
          message: `fake discord: ${(error as Error).message}`,
        } satisfies DcErrorBody);
      }
      this.records.push({ method, path, botId: bot?.id, status: response.status, body });
      const json = response.payload === undefined ? "" : JSON.stringify(response.payload);
      res.writeHead(response.status, {
        ...(json ? { "content-type": "application/json" } : {}),
        ...response.headers,
      });
      res.end(json);
      response.after?.();
    });
  }

  #route(method: string, path: string, bot: FakeBot | undefined, body: unknown): Reply {
    if (!bot || !bot.tokenValid)
      return reply(401, { code: 0, message: "401: Unauthorized" } satisfies DcErrorBody);
    const limited = this.#rateLimited(bot.id, method, path);
    if (limited) return reply(429, limited.body, limited.headers);

    if (method === "GET" && path === "/gateway/bot") {
      return reply(200, {
        url: this.#hooks.gatewayUrl(),
        shards: 1,
        session_start_limit: { ...bot.sessionStartLimit },
      } satisfies DcGatewayBot);
    }
    if (method === "GET" && path === "/users/@me")
      return reply(200, { ...bot.user, verified: true, flags: 0 });
    if (method === "POST" && path === "/users/@me/channels") {
      const recipient = (body as { recipient_id?: unknown } | undefined)?.recipient_id;
      if (typeof recipient !== "string" || !this.#world.users.has(recipient))
        return reply(400, invalidForm("recipient_id"));
      return reply(200, this.#world.dmChannel(recipient, bot.id));
    }
    const channelGet = method === "GET" ? path.match(/^\/channels\/(\d+)$/) : null;
    if (channelGet) {
      const id = channelGet[1] as string;
      if (!this.#world.channels.has(id))
        return reply(404, { code: 10003, message: "Unknown Channel" } satisfies DcErrorBody);
      if (!this.#world.canSee(bot.id, id))
        return reply(403, { code: 50001, message: "Missing Access" } satisfies DcErrorBody);
      return reply(200, this.#world.channel(id));
    }
    const typing = method === "POST" ? path.match(/^\/channels\/(\d+)\/typing$/) : null;
    if (typing) {
      const id = typing[1] as string;
      if (!this.#world.canSee(bot.id, id))
        return reply(403, { code: 50001, message: "Missing Access" } satisfies DcErrorBody);
      this.#hooks.onTyping(bot.id, id);
      return reply(204, undefined);
    }
    const messages = method === "POST" ? path.match(/^\/channels\/(\d+)\/messages$/) : null;
    if (messages) return this.#createMessage(bot, messages[1] as string, body);
    return reply(404, { code: 0, message: "404: Not Found" } satisfies DcErrorBody);
  }

  #createMessage(bot: FakeBot, channelId: Snowflake, body: unknown): Reply {
    if (!this.#world.channels.has(channelId))
      return reply(404, { code: 10003, message: "Unknown Channel" } satisfies DcErrorBody);
    if (!this.#world.canSee(bot.id, channelId))
      return reply(403, { code: 50001, message: "Missing Access" } satisfies DcErrorBody);
    const input = (typeof body === "object" && body !== null ? body : {}) as {
      content?: unknown;
      allowed_mentions?: DcAllowedMentions;
      message_reference?: DcMessageReference;
    };
    const content = typeof input.content === "string" ? input.content : "";
    if (content.trim() === "")
      return reply(400, { code: 50006, message: "Cannot send an empty message" } satisfies DcErrorBody);
    if ([...content].length > MAX_CONTENT)
      return reply(400, invalidForm("content", `Must be ${MAX_CONTENT} or fewer in length.`));
    const reference = input.message_reference;
    const referenced = reference?.message_id ? this.#world.messages.get(reference.message_id) : undefined;
    const missing = reference?.message_id !== undefined && referenced?.channel_id !== channelId;
    if (missing && reference?.fail_if_not_exists !== false)
      return reply(400, invalidForm("message_reference", "Unknown message"));
    const message = createMessage(this.#world, {
      authorId: bot.id,
      channelId,
      content,
      ...(reference?.message_id && !missing ? { replyToId: reference.message_id } : {}),
    });
    this.#hooks.onBotMessage({
      botId: bot.id,
      channelId,
      content,
      allowedMentions: input.allowed_mentions,
      messageReference: reference,
      pings: computePings(content, input.allowed_mentions, referenced?.author.id),
      body,
      message,
    });
    // The gateway echo follows the REST answer, as on Discord.
    return { ...reply(200, message), after: () => this.#hooks.dispatchMessage(message) };
  }

  /** Answers 429 for an injected fault, and again for any request before an announced reset. */
  #rateLimited(
    botId: Snowflake,
    method: string,
    path: string,
  ): { body: unknown; headers: Record<string, string> } | undefined {
    const now = this.#hooks.now();
    const key = `${botId} ${method} ${path}`;
    for (let i = this.#limits.length - 1; i >= 0; i--)
      if ((this.#limits[i] as ActiveLimit).resetAt <= now) this.#limits.splice(i, 1);
    const active = this.#limits.find((l) => l.key === key);
    if (active) {
      this.violations += 1;
      return limitResponse(active.resetAt - now, false, now);
    }
    const index = this.#faults.findIndex(
      (f) =>
        (f.botId === undefined || f.botId === botId) &&
        (f.method === undefined || f.method.toUpperCase() === method) &&
        (f.path === undefined || f.path.test(path)),
    );
    if (index < 0) return undefined;
    const fault = this.#faults[index] as RateLimitFault;
    fault.times = (fault.times ?? 1) - 1;
    if (fault.times <= 0) this.#faults.splice(index, 1);
    this.#limits.push({ key, resetAt: now + fault.retryAfterMs });
    return limitResponse(fault.retryAfterMs, fault.global ?? false, now);
  }
}

interface Reply {
  status: number;
  payload: unknown;
  headers: Record<string, string>;
  /** Runs after the response is written. */
  after?: () => void;
}

function reply(status: number, payload: unknown, headers: Record<string, string> = {}): Reply {
  return { status, payload, headers };
}

function limitResponse(
  retryAfterMs: number,
  global: boolean,
  now: number,
): { body: unknown; headers: Record<string, string> } {
  const seconds = (retryAfterMs / 1000).toFixed(3);
  const headers: Record<string, string> = {
    "retry-after": seconds,
    "x-ratelimit-limit": "1",
    "x-ratelimit-remaining": "0",
    "x-ratelimit-reset": ((now + retryAfterMs) / 1000).toFixed(3),
    "x-ratelimit-reset-after": seconds,
    "x-ratelimit-bucket": "fakebucket",
    "x-ratelimit-scope": global ? "global" : "user",
    ...(global ? { "x-ratelimit-global": "true" } : {}),
  };
  return {
    body: { message: "You are being rate limited.", retry_after: retryAfterMs / 1000, global },
    headers,
  };
}

function invalidForm(field: string, message = "Invalid value."): DcErrorBody {
  return {
    code: 50035,
    message: "Invalid Form Body",
    errors: { [field]: { _errors: [{ code: "BASE_TYPE_INVALID", message }] } },
  };
}
