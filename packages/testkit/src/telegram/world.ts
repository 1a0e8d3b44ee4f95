import { randomBytes } from "node:crypto";
import type { TgChat, TgMessage, TgMessageDraft, TgUpdate, TgUser } from "./wire.js";

/** A bot registered with the fake: its identity and the token it must call with. */
export interface FakeBot {
  readonly id: number;
  readonly token: string;
  readonly username: string;
  readonly firstName: string;
  /** The bot as a Telegram User (what getMe answers and `from` of its messages). */
  readonly user: TgUser;
}

export interface WebhookSetting {
  url: string;
  secretToken?: string;
}

/** Per-bot server state: the update queue, offsets, webhook and token status. */
export interface BotState {
  readonly bot: FakeBot;
  revoked: boolean;
  /** Updates not yet confirmed by an offset (or a 2xx webhook answer). */
  readonly pending: TgUpdate[];
  /** Forced redeliveries that ignore the offset once (the "same update twice" fault). */
  readonly duplicates: TgUpdate[];
  nextUpdateId: number;
  webhook?: WebhookSetting;
  allowedUpdates?: string[];
}

/** Users, chats, topics and per-chat message ids shared by every bot of one fake server. */
export class FakeWorld {
  readonly bots = new Map<string, BotState>();
  readonly chats = new Map<number, TgChat>();
  readonly #messages = new Map<string, { next: number; byId: Map<number, TgMessage> }>();
  readonly #topics = new Map<number, Set<number>>();
  #nextUserId = 100_001;
  #nextBotId = 7_000_000_001;
  #nextGroupId = 1_001;

  addBot(spec: { username?: string; firstName?: string; id?: number; token?: string } = {}): FakeBot {
    const id = spec.id ?? this.#nextBotId++;
    const username = spec.username ?? `fake${id}_bot`;
    const firstName = spec.firstName ?? username;
    const token = spec.token ?? `${id}:AA${randomBytes(24).toString("base64url")}`;
    const user: TgUser = { id, is_bot: true, first_name: firstName, username };
    const bot: FakeBot = { id, token, username, firstName, user };
    this.bots.set(token, { bot, revoked: false, pending: [], duplicates: [], nextUpdateId: 1 });
    return bot;
  }

  state(bot: FakeBot): BotState {
    const state = this.bots.get(bot.token);
    if (!state) throw new Error(`Fake Telegram: unknown bot @${bot.username}`);
    return state;
  }

  user(
    spec: { firstName?: string; lastName?: string; username?: string; id?: number; isBot?: boolean } = {},
  ): TgUser {
    const id = spec.id ?? this.#nextUserId++;
    const user: TgUser = { id, is_bot: spec.isBot ?? false, first_name: spec.firstName ?? `User${id}` };
    if (spec.lastName) user.last_name = spec.lastName;
    if (spec.username) user.username = spec.username;
    return user;
  }

  /** The private chat between `user` and a bot (its id is the user's id, as on Telegram). */
  privateChat(user: TgUser): TgChat {
    const chat: TgChat = { id: user.id, type: "private", first_name: user.first_name };
    if (user.last_name) chat.last_name = user.last_name;
    if (user.username) chat.username = user.username;
    this.chats.set(chat.id, chat);
    return chat;
  }

  /** A basic group (id `-N`) or a supergroup (id `-100N`), optionally a forum. */
  group(spec: { title?: string; supergroup?: boolean; forum?: boolean } = {}): TgChat {
    const n = this.#nextGroupId++;
    const supergroup = spec.supergroup ?? spec.forum ?? false;
    const id = supergroup ? -(1_000_000_000_000 + n) : -n;
    const chat: TgChat = { id, type: supergroup ? "supergroup" : "group", title: spec.title ?? `Group ${n}` };
    this.chats.set(id, chat);
    if (spec.forum) {
      chat.is_forum = true;
      // Message 1 of a forum is its creation; thread 1 is the General topic, never a created one.
      this.store(undefined, { date: 0, chat, supergroup_chat_created: true });
    }
    return chat;
  }

  channel(spec: { title?: string; username?: string } = {}): TgChat {
    const n = this.#nextGroupId++;
    const chat: TgChat = {
      id: -(1_000_000_000_000 + n),
      type: "channel",
      title: spec.title ?? `Channel ${n}`,
    };
    if (spec.username) chat.username = spec.username;
    this.chats.set(chat.id, chat);
    return chat;
  }

  findChat(chatId: unknown): TgChat | undefined {
    if (typeof chatId === "string" && chatId.startsWith("@")) {
      const name = chatId.slice(1).toLowerCase();
      return [...this.chats.values()].find((c) => c.username?.toLowerCase() === name && c.type !== "private");
    }
    const id = typeof chatId === "number" ? chatId : typeof chatId === "string" ? Number(chatId) : Number.NaN;
    return Number.isSafeInteger(id) ? this.chats.get(id) : undefined;
  }

  addTopic(chat: TgChat, threadId: number): void {
    const topics = this.#topics.get(chat.id) ?? new Set<number>();
    topics.add(threadId);
    this.#topics.set(chat.id, topics);
  }

  hasTopic(chat: TgChat, threadId: number): boolean {
    return this.#topics.get(chat.id)?.has(threadId) ?? false;
  }

  /** Private chats are per bot (each bot has its own DM with a user); groups are shared. */
  #chatKey(bot: FakeBot | undefined, chat: TgChat): string {
    if (chat.type !== "private") return String(chat.id);
    if (!bot) throw new Error("Fake Telegram: a private chat message needs the bot it belongs to");
    return `${bot.id}:${chat.id}`;
  }

  /** Assigns the next message id in this chat and remembers the message for replies. */
  store(bot: FakeBot | undefined, message: TgMessageDraft): TgMessage {
    const key = this.#chatKey(bot, message.chat);
    const log = this.#messages.get(key) ?? { next: 1, byId: new Map<number, TgMessage>() };
    this.#messages.set(key, log);
    const stored = { ...message, message_id: log.next++ } as TgMessage;
    log.byId.set(stored.message_id, stored);
    return stored;
  }

  findMessage(bot: FakeBot, chat: TgChat, messageId: number): TgMessage | undefined {
    return this.#messages.get(this.#chatKey(bot, chat))?.byId.get(messageId);
  }

  /** Queues an update for `bot`, numbering it; returns the update as the bot will see it. */
  enqueue(bot: FakeBot, body: Omit<TgUpdate, "update_id"> & { update_id?: number }): TgUpdate {
    const state = this.state(bot);
    const update = { ...body, update_id: body.update_id ?? state.nextUpdateId } as TgUpdate;
    state.nextUpdateId = Math.max(state.nextUpdateId, update.update_id + 1);
    state.pending.push(update);
    return update;
  }
}

/** The update type (`message`, `edited_message`, …): the one key besides `update_id`. */
export function updateType(update: TgUpdate): string | undefined {
  return Object.keys(update).find((key) => key !== "update_id");
}
