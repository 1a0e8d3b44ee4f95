import { randomUUID } from "node:crypto";
import type { DeliveryOptions, EventDelivery } from "./delivery.js";
import type { SlackEventCallback, SlackWireEvent, SlackWireFile } from "./wire.js";
import { channelTypeOf, type FakeConversation, type FakeInstallation } from "./world.js";

export interface UserMessageInput extends DeliveryOptions {
  /** Conversation id (C…, G…, D…); use `fake.imWith(team, user).id` for a DM. */
  channel: string;
  user: string;
  text: string;
  /** Post as a reply in this thread. */
  threadTs?: string;
  subtype?: string;
  files?: SlackWireFile[];
  /** Only these apps receive it (default: every app installed in the workspace). */
  appIds?: string[];
  /**
   * `auto` (Slack's behaviour): every app gets `message`, and a mentioned bot's app also
   * `app_mention`, both at once. `only`: mentioned apps get just `app_mention` (apps that do not
   * subscribe to message events). `none`: `message` only.
   */
  appMention?: "auto" | "only" | "none";
}

export interface UserMessage {
  ts: string;
  deliveries: EventDelivery[];
}

/** What a scripted user message looks like before it becomes events. */
export interface MessageSpec {
  conversation: FakeConversation;
  user: string;
  text: string;
  ts: string;
  threadTs?: string;
  /** Author of the thread's parent (Slack sets `parent_user_id` on replies). */
  parentUserId?: string;
  subtype?: string;
  files?: SlackWireFile[];
  /** For messages posted by a bot: its bot id and name. */
  bot?: { botId: string; name: string; appId: string };
}

/** The `message` event Slack sends for `spec`. */
export function messageEvent(spec: MessageSpec): SlackWireEvent {
  const { conversation } = spec;
  const event: SlackWireEvent = {
    type: "message",
    channel: conversation.id,
    channel_type: channelTypeOf(conversation.kind),
    user: spec.user,
    text: spec.text,
    ts: spec.ts,
    event_ts: spec.ts,
    team: conversation.teamId,
  };
  if (spec.subtype) event.subtype = spec.subtype;
  if (spec.bot) {
    event.bot_id = spec.bot.botId;
    event.bot_profile = {
      id: spec.bot.botId,
      name: spec.bot.name,
      app_id: spec.bot.appId,
      team_id: conversation.teamId,
    };
  } else {
    event.client_msg_id = randomUUID();
  }
  if (spec.threadTs) {
    event.thread_ts = spec.threadTs;
    if (spec.parentUserId) event.parent_user_id = spec.parentUserId;
  }
  if (spec.files) event.files = spec.files;
  return event;
}

/** The `app_mention` event Slack sends alongside the message when a bot is mentioned (no channel_type). */
export function appMentionEvent(spec: MessageSpec): SlackWireEvent {
  const event: SlackWireEvent = {
    type: "app_mention",
    channel: spec.conversation.id,
    user: spec.user,
    text: spec.text,
    ts: spec.ts,
    event_ts: spec.ts,
    team: spec.conversation.teamId,
    client_msg_id: randomUUID(),
  };
  if (spec.threadTs) event.thread_ts = spec.threadTs;
  return event;
}

/** Wraps `event` in the `event_callback` body Slack sends to the app of `installation`. */
export function eventCallback(
  installation: FakeInstallation,
  event: SlackWireEvent,
  eventId: string,
  eventTimeSec: number,
): SlackEventCallback {
  return {
    token: "fake-verification-token",
    team_id: installation.teamId,
    context_team_id: installation.teamId,
    context_enterprise_id: null,
    api_app_id: installation.appId,
    event,
    type: "event_callback",
    event_id: eventId,
    event_time: eventTimeSec,
    authorizations: [
      {
        enterprise_id: null,
        team_id: installation.teamId,
        user_id: installation.botUserId,
        is_bot: true,
        is_enterprise_install: false,
      },
    ],
    is_ext_shared_channel: false,
    event_context: `4-${Buffer.from(eventId).toString("base64url")}`,
  };
}

/** The bot user ids mentioned as `<@U…>` (or `<@U…|name>`) in `text`. */
export function mentionedUserIds(text: string): string[] {
  return [...text.matchAll(/<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g)].map((m) => m[1] as string);
}

/**
 * The events Slack sends for a user's message, per installed app: `message` to each, plus
 * `app_mention` to the apps whose bot is mentioned (see `UserMessageInput.appMention`).
 */
export function userMessageEvents(
  spec: MessageSpec,
  installations: readonly FakeInstallation[],
  mode: UserMessageInput["appMention"] = "auto",
): Array<{ installation: FakeInstallation; event: SlackWireEvent }> {
  const mentioned = new Set(mentionedUserIds(spec.text));
  const out: Array<{ installation: FakeInstallation; event: SlackWireEvent }> = [];
  for (const installation of installations) {
    if (mode !== "only") out.push({ installation, event: messageEvent(spec) });
    if (mentioned.has(installation.botUserId) && mode !== "none")
      out.push({ installation, event: appMentionEvent(spec) });
  }
  return out;
}

/** A `bot_message` from an integration (incoming webhook, legacy bot): a bot id and no user. */
export function integrationEvent(
  conversation: FakeConversation,
  input: { botId: string; name: string; text: string; ts: string },
): SlackWireEvent {
  return {
    type: "message",
    subtype: "bot_message",
    channel: conversation.id,
    channel_type: channelTypeOf(conversation.kind),
    bot_id: input.botId,
    username: input.name,
    text: input.text,
    ts: input.ts,
    event_ts: input.ts,
    team: conversation.teamId,
  };
}
