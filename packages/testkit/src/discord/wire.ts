/**
 * The slice of the Discord API v10 wire format the fake speaks (REST bodies and gateway payloads).
 * Field names are Discord's own (snake_case), so what the fake sends is what Discord would send.
 */

/** Discord snowflakes travel as decimal strings. */
export type Snowflake = string;

export interface DcUser {
  id: Snowflake;
  username: string;
  discriminator: string;
  global_name: string | null;
  avatar: string | null;
  bot?: boolean;
}

/** The channel types the fake models (a subset of Discord's `ChannelType`). */
export const ChannelKind = {
  GuildText: 0,
  DM: 1,
  GroupDM: 3,
  GuildAnnouncement: 5,
  AnnouncementThread: 10,
  PublicThread: 11,
  PrivateThread: 12,
} as const;
export type ChannelKindValue = (typeof ChannelKind)[keyof typeof ChannelKind];

export interface DcChannel {
  id: Snowflake;
  type: ChannelKindValue;
  name?: string;
  guild_id?: Snowflake;
  parent_id?: Snowflake | null;
  position?: number;
  permission_overwrites?: unknown[];
  recipients?: DcUser[];
  last_message_id?: Snowflake | null;
  owner_id?: Snowflake;
  thread_metadata?: {
    archived: boolean;
    auto_archive_duration: number;
    archive_timestamp: string;
    locked: boolean;
  };
  member_count?: number;
  message_count?: number;
}

export interface DcRoleTags {
  bot_id?: Snowflake;
}

export interface DcRole {
  id: Snowflake;
  name: string;
  color: number;
  hoist: boolean;
  position: number;
  permissions: string;
  managed: boolean;
  mentionable: boolean;
  flags: number;
  tags?: DcRoleTags;
}

export interface DcGuildMember {
  user?: DcUser;
  nick: string | null;
  roles: Snowflake[];
  joined_at: string;
  deaf: boolean;
  mute: boolean;
  flags: number;
}

export interface DcAttachment {
  id: Snowflake;
  filename: string;
  size: number;
  url: string;
  proxy_url: string;
  content_type?: string;
  flags?: number;
  duration_secs?: number;
  waveform?: string;
}

export interface DcMessageReference {
  type?: number;
  message_id?: Snowflake;
  channel_id?: Snowflake;
  guild_id?: Snowflake;
  fail_if_not_exists?: boolean;
}

export interface DcAllowedMentions {
  parse?: Array<"users" | "roles" | "everyone">;
  users?: Snowflake[];
  roles?: Snowflake[];
  replied_user?: boolean;
}

export interface DcMessage {
  id: Snowflake;
  channel_id: Snowflake;
  guild_id?: Snowflake;
  author: DcUser;
  member?: Omit<DcGuildMember, "user">;
  content: string;
  timestamp: string;
  edited_timestamp: string | null;
  tts: boolean;
  mention_everyone: boolean;
  mentions: DcUser[];
  mention_roles: Snowflake[];
  attachments: DcAttachment[];
  embeds: unknown[];
  pinned: boolean;
  /** 0 = default, 19 = reply. */
  type: number;
  flags: number;
  message_reference?: DcMessageReference;
  referenced_message?: DcMessage | null;
  /** Present on DM / group DM gateway messages so clients can build a partial channel. */
  channel_type?: ChannelKindValue;
  webhook_id?: Snowflake;
}

export interface DcGuildCreate {
  id: Snowflake;
  name: string;
  icon: string | null;
  owner_id: Snowflake;
  unavailable: false;
  member_count: number;
  large: boolean;
  joined_at: string;
  roles: DcRole[];
  channels: DcChannel[];
  threads: DcChannel[];
  members: DcGuildMember[];
  emojis: unknown[];
  stickers: unknown[];
  features: string[];
  voice_states: unknown[];
  presences: unknown[];
  stage_instances: unknown[];
  guild_scheduled_events: unknown[];
}

export interface DcSessionStartLimit {
  total: number;
  remaining: number;
  reset_after: number;
  max_concurrency: number;
}

export interface DcGatewayBot {
  url: string;
  shards: number;
  session_start_limit: DcSessionStartLimit;
}

/** Gateway opcodes (Discord's `GatewayOpcodes`). */
export const GatewayOp = {
  Dispatch: 0,
  Heartbeat: 1,
  Identify: 2,
  PresenceUpdate: 3,
  Resume: 6,
  Reconnect: 7,
  InvalidSession: 9,
  Hello: 10,
  HeartbeatAck: 11,
} as const;

/** Gateway close codes the fake uses (Discord's `GatewayCloseCodes`). */
export const GatewayCloseCode = {
  UnknownError: 4000,
  DecodeError: 4002,
  NotAuthenticated: 4003,
  AuthenticationFailed: 4004,
  InvalidSeq: 4007,
  SessionTimedOut: 4009,
  DisallowedIntents: 4014,
} as const;

/** Gateway intent bits the fake looks at. */
export const Intent = {
  Guilds: 1 << 0,
  GuildMessages: 1 << 9,
  DirectMessages: 1 << 12,
  MessageContent: 1 << 15,
} as const;

export interface GatewayFrame {
  op: number;
  d: unknown;
  s: number | null;
  t: string | null;
}

/** Discord's JSON error body (`{ code, message, errors? }`). */
export interface DcErrorBody {
  code: number;
  message: string;
  errors?: unknown;
}
