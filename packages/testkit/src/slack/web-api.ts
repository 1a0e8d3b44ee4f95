import type { FakeConversation, FakeInstallation, SlackWorld } from "./world.js";

/** One `chat.postMessage` that succeeded, with the bot (and token) that sent it. */
export interface FakePostedMessage {
  /** The bot token the call carried. */
  readonly token: string;
  readonly appId: string;
  readonly teamId: string;
  readonly botUserId: string;
  readonly botId: string;
  /** The conversation id it landed in (a user id passed as `channel` resolves to the im). */
  readonly channel: string;
  readonly text: string;
  readonly threadTs: string | undefined;
  readonly ts: string;
  /** Every parameter as received (form values are strings). */
  readonly params: Readonly<Record<string, unknown>>;
}

/** One Web API call as the fake received and answered it. */
export interface FakeApiCall {
  readonly method: string;
  /** The token from `Authorization: Bearer …` or the `token` parameter. */
  readonly token: string | undefined;
  readonly params: Readonly<Record<string, unknown>>;
  readonly status: number;
  readonly response: unknown;
}

export interface ApiAnswer {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

export interface WebApiHooks {
  /** The `ws://` URL a fresh Socket Mode connection of `appId` should use. */
  socketUrl(appId: string): string;
  /** A new message ts, unique in this fake. */
  nextTs(): string;
  /** Called for every successful post (the fake records it and may echo it as an event). */
  posted(message: FakePostedMessage): void;
}

/** Slack's longest accepted `text`; longer is `msg_too_long`. */
const MAX_TEXT = 40_000;

const ok = (body: Record<string, unknown>): ApiAnswer => ({
  status: 200,
  headers: { "content-type": "application/json; charset=utf-8" },
  body: { ok: true, ...body },
});
const fail = (error: string): ApiAnswer => ({
  status: 200,
  headers: { "content-type": "application/json; charset=utf-8" },
  body: { ok: false, error },
});

const str = (value: unknown): string | undefined =>
  value === undefined || value === null || value === "" ? undefined : String(value);

/** The Web API methods the fake implements, answered from the world model. */
export class SlackWebApi {
  readonly #world: SlackWorld;
  readonly #hooks: WebApiHooks;

  constructor(world: SlackWorld, hooks: WebApiHooks) {
    this.#world = world;
    this.#hooks = hooks;
  }

  handle(method: string, token: string | undefined, params: Record<string, unknown>): ApiAnswer {
    if (!token) return fail("not_authed");
    if (this.#world.isRevoked(token)) return fail("token_revoked");
    if (method === "apps.connections.open") return this.#connectionsOpen(token);
    const app = this.#world.appByToken(token);
    if (app) return fail("not_allowed_token_type");
    const installation = this.#world.installationByToken(token);
    if (!installation) return fail("invalid_auth");
    switch (method) {
      case "auth.test":
        return this.#authTest(installation);
      case "chat.postMessage":
        return this.#postMessage(installation, token, params);
      case "conversations.info":
        return this.#conversationsInfo(installation, str(params.channel));
      case "conversations.open":
        return this.#conversationsOpen(installation, str(params.users));
      case "users.info":
        return this.#usersInfo(installation, str(params.user));
      default:
        return fail("unknown_method");
    }
  }

  #connectionsOpen(token: string): ApiAnswer {
    const app = this.#world.appByToken(token);
    if (!app)
      return this.#world.installationByToken(token) ? fail("not_allowed_token_type") : fail("invalid_auth");
    return ok({ url: this.#hooks.socketUrl(app.id) });
  }

  #authTest(installation: FakeInstallation): ApiAnswer {
    const workspace = this.#world.requireWorkspace(installation.teamId);
    return ok({
      url: `https://${workspace.domain}.slack.com/`,
      team: workspace.name,
      user: installation.botName,
      team_id: workspace.id,
      user_id: installation.botUserId,
      bot_id: installation.botId,
      is_enterprise_install: false,
    });
  }

  /** Resolves `channel` in the bot's workspace; a user id means the im with that user. */
  #resolveChannel(installation: FakeInstallation, channel: string | undefined): FakeConversation | undefined {
    if (!channel) return undefined;
    const conversation = this.#world.conversations.get(channel);
    if (conversation) return conversation.teamId === installation.teamId ? conversation : undefined;
    const user = this.#world.users.get(channel);
    if (user && user.teamId === installation.teamId && !user.isBot) {
      return this.#world.imWith(installation.teamId, user.id);
    }
    return undefined;
  }

  #postMessage(installation: FakeInstallation, token: string, params: Record<string, unknown>): ApiAnswer {
    const conversation = this.#resolveChannel(installation, str(params.channel));
    if (!conversation) return fail("channel_not_found");
    const text = str(params.text) ?? "";
    if (text === "" && params.blocks === undefined && params.attachments === undefined)
      return fail("no_text");
    if (text.length > MAX_TEXT) return fail("msg_too_long");
    const ts = this.#hooks.nextTs();
    const threadTs = str(params.thread_ts);
    const message: FakePostedMessage = {
      token,
      appId: installation.appId,
      teamId: installation.teamId,
      botUserId: installation.botUserId,
      botId: installation.botId,
      channel: conversation.id,
      text,
      threadTs,
      ts,
      params: { ...params },
    };
    this.#hooks.posted(message);
    return ok({
      channel: conversation.id,
      ts,
      message: {
        type: "message",
        text,
        user: installation.botUserId,
        bot_id: installation.botId,
        team: installation.teamId,
        ts,
        ...(threadTs ? { thread_ts: threadTs } : {}),
      },
    });
  }

  #conversationsInfo(installation: FakeInstallation, channel: string | undefined): ApiAnswer {
    const conversation = channel ? this.#world.conversations.get(channel) : undefined;
    if (!conversation || conversation.teamId !== installation.teamId) return fail("channel_not_found");
    return ok({ channel: describeConversation(conversation) });
  }

  #conversationsOpen(installation: FakeInstallation, users: string | undefined): ApiAnswer {
    const user = users ? this.#world.users.get(users) : undefined;
    if (!user || user.teamId !== installation.teamId) return fail("user_not_found");
    return ok({ channel: { id: this.#world.imWith(installation.teamId, user.id).id } });
  }

  #usersInfo(installation: FakeInstallation, userId: string | undefined): ApiAnswer {
    const user = userId ? this.#world.users.get(userId) : undefined;
    if (!user || user.teamId !== installation.teamId) return fail("user_not_found");
    return ok({
      user: {
        id: user.id,
        team_id: user.teamId,
        name: user.name,
        real_name: user.realName,
        deleted: false,
        is_bot: user.isBot,
        profile: {
          real_name: user.realName,
          display_name: user.name,
          ...(user.botId ? { bot_id: user.botId } : {}),
        },
      },
    });
  }
}

function describeConversation(c: FakeConversation): Record<string, unknown> {
  return {
    id: c.id,
    name: c.name,
    context_team_id: c.teamId,
    is_channel: c.kind === "channel" || c.kind === "private",
    is_group: c.kind === "private",
    is_im: c.kind === "im",
    is_mpim: c.kind === "mpim",
    is_private: c.kind !== "channel",
    is_archived: false,
    ...(c.kind === "im" ? { user: c.user } : {}),
  };
}
