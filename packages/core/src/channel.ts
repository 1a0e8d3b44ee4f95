import type { InboundEnvelope, Peer } from "./envelope.js";
import type { AccountHealth } from "./health.js";

/** Where a reply goes. `channel` and `accountId` are checked against the adapter (account affinity). */
export interface OutboundTarget {
  channel: string;
  accountId: string;
  peer: Peer;
  /** Thread / topic to post in (Slack thread_ts, Telegram message_thread_id, Discord thread channel). */
  threadId?: string;
}

export type OutboundFormat = "plain" | "markdown";

export interface OutboundMessage {
  text: string;
  /** `markdown` is converted to the platform's dialect, falling back to plain text if rejected. */
  format?: OutboundFormat;
  /** Quote / reply to this platform message id. */
  replyToId?: string;
}

export interface SentMessage {
  /** Platform ids of every message sent (one per chunk). */
  ids: string[];
}

export interface ProbeResult {
  ok: boolean;
  /** The bot's own identity on the platform (username, user id, team). */
  identity?: string;
  error?: string;
  latencyMs?: number;
}

/** Receives every inbound envelope; an adapter awaits it before acknowledging or advancing offsets. */
export type EnvelopeSink = (envelope: InboundEnvelope) => Promise<void>;

/**
 * The contract every channel adapter implements: one instance per bot account. An adapter reports
 * facts and sends what it is told through its own account; it never decides policy or routing.
 */
export interface ChannelAdapter {
  readonly channel: string;
  readonly accountId: string;
  /** Connect and start delivering to `sink`; resolves once ready, rejects with a GatewayError. */
  start(sink: EnvelopeSink): Promise<void>;
  /** Drain in-flight sends, disconnect, release every timer and socket. Idempotent. */
  stop(): Promise<void>;
  /** Send through this account; throws GatewayError("ACCOUNT_MISMATCH") for another account's target. */
  send(target: OutboundTarget, message: OutboundMessage): Promise<SentMessage>;
  health(): AccountHealth;
  /** Show a typing / composing indicator while the agent works (optional capability). */
  sendTyping?(target: OutboundTarget): Promise<void>;
  /** Ask the platform who we are, for `patchbay channels status --probe` (optional capability). */
  probe?(): Promise<ProbeResult>;
}
