import { createHmac } from "node:crypto";

/** A file attached to a message event (`files[]`), as Slack sends it. */
export interface SlackWireFile {
  id: string;
  name: string;
  mimetype: string;
  filetype?: string;
  size: number;
  url_private: string;
}

/** The inner `event` of an Events API `event_callback` (message-like events). */
export interface SlackWireEvent {
  type: string;
  subtype?: string;
  channel?: string;
  channel_type?: string;
  user?: string;
  bot_id?: string;
  bot_profile?: { id: string; name: string; app_id: string; team_id: string };
  username?: string;
  text?: string;
  ts?: string;
  event_ts?: string;
  thread_ts?: string;
  parent_user_id?: string;
  team?: string;
  client_msg_id?: string;
  files?: SlackWireFile[];
  hidden?: boolean;
  message?: Record<string, unknown>;
  previous_message?: Record<string, unknown>;
  deleted_ts?: string;
  [extra: string]: unknown;
}

export interface SlackAuthorization {
  enterprise_id: string | null;
  team_id: string;
  user_id: string;
  is_bot: boolean;
  is_enterprise_install: boolean;
}

/** The outer Events API body (HTTP request body, or a Socket Mode envelope's `payload`). */
export interface SlackEventCallback {
  token: string;
  team_id: string;
  context_team_id: string;
  context_enterprise_id: string | null;
  api_app_id: string;
  event: SlackWireEvent;
  type: "event_callback";
  event_id: string;
  event_time: number;
  authorizations: SlackAuthorization[];
  is_ext_shared_channel: boolean;
  event_context: string;
}

/** A Socket Mode envelope pushed to the app over the WebSocket. */
export interface SocketModeEnvelope {
  envelope_id: string;
  type: "events_api" | "slash_commands" | "interactive";
  accepts_response_payload: boolean;
  retry_attempt: number;
  retry_reason: string;
  payload: unknown;
}

/** The v0 request signature: `v0=` + hex(HMAC-SHA256(secret, `v0:<ts>:<raw body>`)). */
export function slackSignature(signingSecret: string, timestampSec: number, rawBody: string): string {
  const digest = createHmac("sha256", signingSecret).update(`v0:${timestampSec}:${rawBody}`).digest("hex");
  return `v0=${digest}`;
}

/** Headers Slack puts on an Events API request, signed for `rawBody`. */
export function signedHeaders(
  signingSecret: string,
  rawBody: string,
  timestampSec: number,
): Record<string, string> {
  return {
    "content-type": "application/json",
    "x-slack-request-timestamp": String(timestampSec),
    "x-slack-signature": slackSignature(signingSecret, timestampSec, rawBody),
  };
}
