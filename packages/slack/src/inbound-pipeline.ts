import type { EnvelopeSink, Logger } from "@patchbay/core";
import type { SlackDirectory } from "./directory.js";
import { RecentKeys } from "./event-ledger.js";
import {
  classifyMessageEvent,
  type InboundContext,
  messageId,
  peerKindFromChannelType,
  toEnvelope,
} from "./inbound.js";

export interface InboundPipelineOptions {
  context: InboundContext;
  directory: SlackDirectory;
  logger: Logger;
  sink: EnvelopeSink;
  onInbound(): void;
  /** The bot's token was revoked or the app uninstalled from the workspace. */
  onRevoked(reason: string): void;
}

function field(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/**
 * Turns the events Bolt lets through into envelopes for the sink. A message that mentions the bot
 * arrives twice (a `message` and an `app_mention` event with different event_ids); whichever
 * comes first is delivered and the other dropped, keyed by channel and ts.
 */
export class InboundPipeline {
  readonly #options: InboundPipelineOptions;
  readonly #delivered = new RecentKeys(2_000);

  constructor(options: InboundPipelineOptions) {
    this.#options = options;
  }

  async onMessage(raw: unknown): Promise<void> {
    const { context, directory, logger } = this.#options;
    const verdict = classifyMessageEvent(raw, context);
    if (verdict.action === "drop") {
      logger[verdict.level]("Slack event dropped", {
        reason: verdict.reason,
        type: field(raw, "type"),
        subtype: field(raw, "subtype"),
        slackChannel: field(raw, "channel"),
        ts: field(raw, "ts"),
      });
      return;
    }
    const message = verdict.message;
    const key = messageId(message.channel, message.ts);
    if (!this.#delivered.add(key)) {
      logger.debug("Slack message already delivered (message and app_mention)", {
        id: key,
        type: message.type,
      });
      return;
    }
    try {
      const peerKind =
        peerKindFromChannelType(message.channel_type) ?? (await directory.peerKind(message.channel));
      directory.learn(message.channel, peerKind, message.user);
      const isBot = message.bot_id !== undefined || message.subtype === "bot_message";
      const sender = message.user !== undefined && !isBot ? await directory.senderNames(message.user) : {};
      await this.#options.sink(toEnvelope(message, context, { peerKind, sender }));
      this.#options.onInbound();
    } catch (error) {
      // Not delivered: let the redelivery through.
      this.#delivered.delete(key);
      throw error;
    }
  }

  async onLifecycle(raw: unknown): Promise<void> {
    const { context } = this.#options;
    const type = field(raw, "type");
    if (type === "app_uninstalled") {
      this.#options.onRevoked(`the Slack app was uninstalled from workspace ${context.teamId}`);
      return;
    }
    const bots = field(field(raw, "tokens"), "bot");
    if (type === "tokens_revoked" && Array.isArray(bots) && bots.includes(context.botUserId)) {
      this.#options.onRevoked(`the bot token was revoked in workspace ${context.teamId}`);
    }
  }
}
