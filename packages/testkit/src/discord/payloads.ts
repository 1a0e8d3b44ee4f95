import { parseMentions } from "./mentions.js";
import {
  ChannelKind,
  type DcAttachment,
  type DcChannel,
  type DcGuildCreate,
  type DcGuildMember,
  type DcMessage,
  type Snowflake,
} from "./wire.js";
import type { AttachmentInput, DiscordWorld, UserMessageInput } from "./world.js";

const isThread = (c: DcChannel) =>
  c.type === ChannelKind.PublicThread ||
  c.type === ChannelKind.PrivateThread ||
  c.type === ChannelKind.AnnouncementThread;

/** The GUILD_CREATE payload: Discord sends a guild's channels, threads, roles and members here. */
export function guildCreatePayload(world: DiscordWorld, guildId: Snowflake): DcGuildCreate {
  const guild = world.guild(guildId);
  const inGuild = [...world.channels.values()].map((s) => s.channel).filter((c) => c.guild_id === guildId);
  return {
    id: guild.id,
    name: guild.name,
    icon: null,
    owner_id: guild.ownerId,
    unavailable: false,
    member_count: guild.members.size,
    large: false,
    joined_at: guild.joinedAt,
    roles: [...guild.roles.values()],
    channels: inGuild.filter((c) => !isThread(c)),
    threads: inGuild.filter(isThread),
    members: [...guild.members.keys()].map((id) => world.member(guildId, id) as DcGuildMember),
    emojis: [],
    stickers: [],
    features: [],
    voice_states: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
  };
}

/**
 * Builds and stores a message, filling mentions, member, reply and channel_type the way Discord
 * does. With `allowMissingReference`, a reply to an unknown message is posted as a plain message.
 */
export function createMessage(
  world: DiscordWorld,
  input: UserMessageInput & { allowMissingReference?: boolean },
): DcMessage {
  const channel = world.channel(input.channelId);
  const author = world.user(input.authorId);
  const parsed = parseMentions(input.content);
  const referenced = input.replyToId ? world.messages.get(input.replyToId) : undefined;
  const known = referenced !== undefined && referenced.channel_id === channel.id;
  if (input.replyToId && !known && !input.allowMissingReference) {
    throw new Error(`fake discord: unknown message ${input.replyToId} in channel ${channel.id}`);
  }
  const replyToId = known ? input.replyToId : undefined;
  const guildId = channel.guild_id;
  const member = guildId ? world.member(guildId, author.id) : undefined;
  const message: DcMessage = {
    id: world.newId(),
    channel_id: channel.id,
    author,
    content: input.content,
    timestamp: world.isoNow(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: parsed.everyone,
    mentions: parsed.users.filter((id) => world.users.has(id)).map((id) => world.user(id)),
    mention_roles: guildId ? parsed.roles.filter((id) => world.guild(guildId).roles.has(id)) : [],
    attachments: (input.attachments ?? []).map((a) => attachment(world, channel.id, a)),
    embeds: [],
    pinned: false,
    type: replyToId ? 19 : 0,
    flags: 0,
    ...(guildId ? { guild_id: guildId } : {}),
    ...(member
      ? {
          member: {
            nick: member.nick,
            roles: member.roles,
            joined_at: member.joined_at,
            deaf: false,
            mute: false,
            flags: 0,
          },
        }
      : {}),
    ...(channel.type === ChannelKind.DM || channel.type === ChannelKind.GroupDM
      ? { channel_type: channel.type }
      : {}),
    ...(replyToId
      ? {
          message_reference: {
            type: 0,
            message_id: replyToId,
            channel_id: channel.id,
            ...(guildId ? { guild_id: guildId } : {}),
          },
          referenced_message: referenced ?? null,
        }
      : {}),
  };
  world.messages.set(message.id, message);
  channel.last_message_id = message.id;
  if (channel.message_count !== undefined) channel.message_count += 1;
  return message;
}

function attachment(world: DiscordWorld, channelId: Snowflake, input: AttachmentInput): DcAttachment {
  const id = world.newId();
  const url = `https://cdn.discordapp.com/attachments/${channelId}/${id}/${encodeURIComponent(input.filename)}`;
  return {
    id,
    filename: input.filename,
    size: input.size ?? 1024,
    url,
    proxy_url: url.replace("cdn.discordapp.com", "media.discordapp.net"),
    ...(input.contentType ? { content_type: input.contentType } : {}),
  };
}
