import {
  ChannelKind,
  type ChannelKindValue,
  type DcChannel,
  type DcGuildMember,
  type DcMessage,
  type DcRole,
  type DcSessionStartLimit,
  type DcUser,
  type Snowflake,
} from "./wire.js";

/** A bot account known to the fake. The token is what the client must present. */
export interface FakeBot {
  readonly id: Snowflake;
  readonly user: DcUser;
  /** The application id (Discord uses the bot's user id for new applications). */
  readonly applicationId: Snowflake;
  token: string;
  /** False: the token has been reset; REST answers 401 and the gateway closes with 4004. */
  tokenValid: boolean;
  /** Whether the Message Content privileged intent is enabled in the developer portal. */
  messageContentIntent: boolean;
  sessionStartLimit: DcSessionStartLimit;
}

export interface AddBotOptions {
  token: string;
  id?: Snowflake;
  username?: string;
  /** Default true. False makes an IDENTIFY that asks for Message Content close with 4014. */
  messageContentIntent?: boolean;
  sessionStartLimit?: Partial<DcSessionStartLimit>;
}

export interface AddUserOptions {
  username: string;
  id?: Snowflake;
  globalName?: string;
  bot?: boolean;
}

interface MemberState {
  nick: string | null;
  roles: Snowflake[];
  joinedAt: string;
}

interface GuildState {
  id: Snowflake;
  name: string;
  ownerId: Snowflake;
  roles: Map<Snowflake, DcRole>;
  members: Map<Snowflake, MemberState>;
  joinedAt: string;
}

interface ChannelState {
  channel: DcChannel;
  /** DM and group DM participants (users and bots). */
  participants: Snowflake[];
}

export interface AttachmentInput {
  filename: string;
  size?: number;
  contentType?: string;
}

export interface UserMessageInput {
  authorId: Snowflake;
  channelId: Snowflake;
  content: string;
  replyToId?: Snowflake;
  attachments?: AttachmentInput[];
}

/**
 * The fake's data model: users, bots, guilds with roles, members, channels and threads, DMs and
 * group DMs, and every message. Pure state; the REST and gateway layers read and change it.
 */
export class DiscordWorld {
  readonly bots = new Map<Snowflake, FakeBot>();
  readonly users = new Map<Snowflake, DcUser>();
  readonly guilds = new Map<Snowflake, GuildState>();
  readonly channels = new Map<Snowflake, ChannelState>();
  readonly messages = new Map<Snowflake, DcMessage>();
  readonly #now: () => number;
  #nextId = 1_100_000_000_000_000_000n;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** A fresh snowflake-shaped id. */
  newId(): Snowflake {
    this.#nextId += 1n;
    return String(this.#nextId);
  }

  isoNow(): string {
    return new Date(this.#now()).toISOString();
  }

  addUser(options: AddUserOptions): DcUser {
    const user: DcUser = {
      id: options.id ?? this.newId(),
      username: options.username,
      discriminator: "0",
      global_name: options.globalName ?? null,
      avatar: null,
      ...(options.bot ? { bot: true } : {}),
    };
    this.users.set(user.id, user);
    return user;
  }

  addBot(options: AddBotOptions): FakeBot {
    const user = this.addUser({
      username: options.username ?? `bot-${this.bots.size + 1}`,
      bot: true,
      ...(options.id ? { id: options.id } : {}),
    });
    const bot: FakeBot = {
      id: user.id,
      user,
      applicationId: user.id,
      token: options.token,
      tokenValid: true,
      messageContentIntent: options.messageContentIntent ?? true,
      sessionStartLimit: {
        total: 1000,
        remaining: 1000,
        reset_after: 86_400_000,
        max_concurrency: 1,
        ...options.sessionStartLimit,
      },
    };
    this.bots.set(bot.id, bot);
    return bot;
  }

  botByToken(token: string | undefined): FakeBot | undefined {
    if (!token) return undefined;
    for (const bot of this.bots.values()) if (bot.token === token) return bot;
    return undefined;
  }

  user(id: Snowflake): DcUser {
    const user = this.users.get(id);
    if (!user) throw new Error(`fake discord: unknown user ${id}`);
    return user;
  }

  addGuild(options: { name: string; id?: Snowflake; ownerId?: Snowflake }): Snowflake {
    const id = options.id ?? this.newId();
    const everyone: DcRole = this.#role(id, "@everyone", 0);
    this.guilds.set(id, {
      id,
      name: options.name,
      ownerId: options.ownerId ?? id,
      roles: new Map([[id, everyone]]),
      members: new Map(),
      joinedAt: this.isoNow(),
    });
    return id;
  }

  guild(id: Snowflake): GuildState {
    const guild = this.guilds.get(id);
    if (!guild) throw new Error(`fake discord: unknown guild ${id}`);
    return guild;
  }

  addRole(guildId: Snowflake, options: { name: string; id?: Snowflake; botId?: Snowflake }): DcRole {
    const guild = this.guild(guildId);
    const role = this.#role(options.id ?? this.newId(), options.name, guild.roles.size);
    if (options.botId) {
      role.managed = true;
      role.tags = { bot_id: options.botId };
    }
    guild.roles.set(role.id, role);
    return role;
  }

  /** The bot's managed integration role in a guild, if it has joined. */
  botRole(guildId: Snowflake, botId: Snowflake): DcRole | undefined {
    for (const role of this.guild(guildId).roles.values()) if (role.tags?.bot_id === botId) return role;
    return undefined;
  }

  /** Adds a user or bot to a guild. A bot also gets its managed role, as on Discord. */
  addMember(
    guildId: Snowflake,
    userId: Snowflake,
    options: { roles?: Snowflake[]; nick?: string } = {},
  ): void {
    const guild = this.guild(guildId);
    this.user(userId);
    const roles = [...(options.roles ?? [])];
    if (this.bots.has(userId)) {
      const managed =
        this.botRole(guildId, userId) ??
        this.addRole(guildId, { name: this.user(userId).username, botId: userId });
      if (!roles.includes(managed.id)) roles.push(managed.id);
    }
    guild.members.set(userId, { nick: options.nick ?? null, roles, joinedAt: this.isoNow() });
  }

  member(guildId: Snowflake, userId: Snowflake): DcGuildMember | undefined {
    const state = this.guilds.get(guildId)?.members.get(userId);
    if (!state) return undefined;
    return {
      user: this.user(userId),
      nick: state.nick,
      roles: [...state.roles],
      joined_at: state.joinedAt,
      deaf: false,
      mute: false,
      flags: 0,
    };
  }

  addChannel(
    guildId: Snowflake,
    options: {
      name: string;
      id?: Snowflake;
      type?: typeof ChannelKind.GuildText | typeof ChannelKind.GuildAnnouncement;
    },
  ): DcChannel {
    this.guild(guildId);
    const channel: DcChannel = {
      id: options.id ?? this.newId(),
      type: options.type ?? ChannelKind.GuildText,
      name: options.name,
      guild_id: guildId,
      parent_id: null,
      position: this.channels.size,
      permission_overwrites: [],
      last_message_id: null,
    };
    this.channels.set(channel.id, { channel, participants: [] });
    return channel;
  }

  addThread(
    parentId: Snowflake,
    options: { name: string; id?: Snowflake; private?: boolean; ownerId?: Snowflake },
  ): DcChannel {
    const parent = this.channel(parentId);
    if (!parent.guild_id) throw new Error("fake discord: threads live in guild channels");
    const type: ChannelKindValue =
      parent.type === ChannelKind.GuildAnnouncement
        ? ChannelKind.AnnouncementThread
        : options.private
          ? ChannelKind.PrivateThread
          : ChannelKind.PublicThread;
    const thread: DcChannel = {
      id: options.id ?? this.newId(),
      type,
      name: options.name,
      guild_id: parent.guild_id,
      parent_id: parent.id,
      owner_id: options.ownerId ?? this.guild(parent.guild_id).ownerId,
      last_message_id: null,
      member_count: 1,
      message_count: 0,
      thread_metadata: {
        archived: false,
        auto_archive_duration: 1440,
        archive_timestamp: this.isoNow(),
        locked: false,
      },
    };
    this.channels.set(thread.id, { channel: thread, participants: [] });
    return thread;
  }

  /** The DM channel between a user and a bot, created on first use. */
  dmChannel(userId: Snowflake, botId: Snowflake): DcChannel {
    for (const state of this.channels.values()) {
      const p = state.participants;
      if (state.channel.type === ChannelKind.DM && p.includes(userId) && p.includes(botId))
        return state.channel;
    }
    const channel: DcChannel = {
      id: this.newId(),
      type: ChannelKind.DM,
      last_message_id: null,
      recipients: [this.user(userId)],
    };
    this.channels.set(channel.id, { channel, participants: [userId, botId] });
    return channel;
  }

  addGroupDm(participantIds: Snowflake[], options: { name?: string; id?: Snowflake } = {}): DcChannel {
    const channel: DcChannel = {
      id: options.id ?? this.newId(),
      type: ChannelKind.GroupDM,
      name: options.name ?? "",
      last_message_id: null,
      recipients: participantIds.map((id) => this.user(id)),
      owner_id: participantIds[0] ?? "0",
    };
    this.channels.set(channel.id, { channel, participants: [...participantIds] });
    return channel;
  }

  channel(id: Snowflake): DcChannel {
    const state = this.channels.get(id);
    if (!state) throw new Error(`fake discord: unknown channel ${id}`);
    return state.channel;
  }

  /** Whether a user or bot can see a channel: guild members see every guild channel, DMs their participants. */
  canSee(userId: Snowflake, channelId: Snowflake): boolean {
    const state = this.channels.get(channelId);
    if (!state) return false;
    const guildId = state.channel.guild_id;
    if (guildId) return this.guilds.get(guildId)?.members.has(userId) ?? false;
    return state.participants.includes(userId);
  }

  /** The bots that receive gateway events for a channel. */
  botsSeeing(channelId: Snowflake): FakeBot[] {
    return [...this.bots.values()].filter((bot) => this.canSee(bot.id, channelId));
  }

  /** Guild ids a bot is a member of (its READY guild list). */
  guildsOf(botId: Snowflake): Snowflake[] {
    return [...this.guilds.values()].filter((g) => g.members.has(botId)).map((g) => g.id);
  }

  setSessionStartLimit(botId: Snowflake, limit: Partial<DcSessionStartLimit>): void {
    const bot = this.bots.get(botId);
    if (!bot) throw new Error(`fake discord: unknown bot ${botId}`);
    bot.sessionStartLimit = { ...bot.sessionStartLimit, ...limit };
  }

  #role(id: Snowflake, name: string, position: number): DcRole {
    return {
      id,
      name,
      color: 0,
      hoist: false,
      position,
      permissions: "1071698660929",
      managed: false,
      mentionable: true,
      flags: 0,
    };
  }
}
