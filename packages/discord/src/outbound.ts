import { chunkText, type OutboundMessage, PLATFORM_TEXT_LIMITS } from "@patchbay/core";
import type { DiscordAllowedMentionsConfig } from "./config.js";
import { formatForDiscord } from "./format.js";

/** Discord's `allowed_mentions` request field. */
export interface AllowedMentionsBody {
  parse: Array<"users" | "roles" | "everyone">;
  users?: string[];
  roles?: string[];
  replied_user: boolean;
}

/** The body of `POST /channels/{id}/messages` the adapter sends. */
export interface MessageBody {
  content: string;
  allowed_mentions: AllowedMentionsBody;
  message_reference?: { message_id: string; fail_if_not_exists: false };
}

/**
 * Builds `allowed_mentions` so agent output can never ping @everyone, @here or a role unless the
 * account's config says so. Explicit lists and the matching `parse` type are mutually exclusive on
 * Discord, so a list replaces the type.
 */
export function allowedMentions(config: DiscordAllowedMentionsConfig = {}): AllowedMentionsBody {
  const parse: AllowedMentionsBody["parse"] = [];
  const body: AllowedMentionsBody = { parse, replied_user: config.repliedUser ?? true };
  const users = config.users ?? true;
  if (users === true) parse.push("users");
  else if (Array.isArray(users)) body.users = [...users];
  const roles = config.roles ?? false;
  if (roles === true) parse.push("roles");
  else if (Array.isArray(roles)) body.roles = [...roles];
  if (config.everyone === true) parse.push("everyone");
  return body;
}

export interface BuildOptions {
  maxLinesPerMessage?: number;
  allowedMentions: AllowedMentionsBody;
}

/**
 * Turns one outbound message into the request bodies to send, in order: formatted, chunked at
 * Discord's 2000 characters (and the optional line limit), the first chunk carrying the reply
 * reference. Empty text gives no bodies.
 */
export function buildMessageBodies(message: OutboundMessage, options: BuildOptions): MessageBody[] {
  const text = formatForDiscord(message.text, message.format);
  const chunks = chunkText(text, {
    limit: PLATFORM_TEXT_LIMITS.discord,
    ...(options.maxLinesPerMessage !== undefined ? { maxLines: options.maxLinesPerMessage } : {}),
  });
  return chunks.map((content, index) => ({
    content,
    allowed_mentions: options.allowedMentions,
    // A missing original must not lose the reply, hence fail_if_not_exists: false.
    ...(index === 0 && message.replyToId
      ? { message_reference: { message_id: message.replyToId, fail_if_not_exists: false as const } }
      : {}),
  }));
}
