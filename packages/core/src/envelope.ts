/** The channels Patchbay ships adapters for; any other string is allowed for third-party channels. */
export type ChannelName = "discord" | "telegram" | "whatsapp" | "slack" | (string & {});

/** Where a conversation happens, as the router and session keys see it (spec §2.1). */
export type PeerKind = "direct" | "group" | "channel";

export interface Peer {
  kind: PeerKind;
  /** Platform id, verbatim (case preserved): Telegram chat id, Discord channel id, E.164, group JID, … */
  id: string;
}

export interface Sender {
  id: string;
  name?: string;
  username?: string;
  isBot: boolean;
  /** The account's own user writing to itself (WhatsApp "message yourself"): self-chat. */
  isSelf?: boolean;
}

/** Attachment metadata only; Patchbay never downloads media on its own. */
export interface Attachment {
  /** image | video | audio | voice | document | sticker | location | contact | other */
  kind: string;
  /** Platform file id, when the platform has one (Telegram file_id, Discord attachment id). */
  fileId?: string;
  url?: string;
  mime?: string;
  size?: number;
  name?: string;
}

export interface ReplyReference {
  id: string;
  text?: string;
  senderId?: string;
}

/**
 * One inbound message, normalised by a channel adapter. Adapters report facts only (who, where,
 * mentioned or not); admission, routing and gating happen in core and the gateway.
 */
export interface InboundEnvelope {
  /** Platform message id; (channel, accountId, id) is the dedupe key. */
  id: string;
  channel: ChannelName;
  /** Normalised account id, `default` when the account has no name. */
  accountId: string;
  peer: Peer;
  /** Thread or forum-topic parent (Discord threads, Telegram topics). */
  parentPeer?: { kind: "group" | "channel"; id: string };
  /** Platform thread id (Slack thread_ts, Telegram message_thread_id), for reply placement and keys. */
  threadId?: string;
  guildId?: string;
  teamId?: string;
  memberRoleIds?: string[];
  sender: Sender;
  text: string;
  /** A native @mention of this account (not of another bot or user). */
  mentionsBot: boolean;
  /** A reply to, or quote of, a message this account sent. */
  replyToBot: boolean;
  replyTo?: ReplyReference;
  attachments: Attachment[];
  /** Milliseconds since the epoch, from the platform. */
  timestamp: number;
  /** The platform payload, for debugging only; never read by core or the gateway. */
  raw: unknown;
}
