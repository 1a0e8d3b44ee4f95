import type { SlackChannelOptions } from "./config.js";
import { SlackChannel } from "./slack-channel.js";

export type { ConversationInfo, SlackApi, SlackIdentity, UserInfo } from "./api.js";
export {
  type ResolvedSlackConfig,
  resolveSlackConfig,
  SLACK_API_URL,
  SlackChannelConfig,
  type SlackChannelOptions,
  type SlackChannelRuntime,
  type SlackMode,
} from "./config.js";
export { SLACK_AUTH_ERRORS } from "./errors.js";
export { decodeSlackText, escapeMrkdwn, markdownToMrkdwn } from "./format.js";
export {
  defaultSlackHttpRouter,
  type HttpEventTarget,
  type SlackHttpHandler,
  SlackHttpRouter,
} from "./http-receiver.js";
export { SlackChannel } from "./slack-channel.js";
export {
  defaultSlackSocketHub,
  SlackSocketHub,
  type SlackSocketHubOptions,
  type SocketEnvelope,
  type SocketLease,
  type SocketMember,
  type SocketSettings,
  type SocketTransport,
  type SocketTransportFactory,
} from "./socket-hub.js";
export { SIGNATURE_TOLERANCE_SEC, verifySlackSignature } from "./verify.js";

/** Creates the adapter for one Slack account (one bot in one workspace). Throws ConfigError on bad options. */
export function createSlackChannel(options: SlackChannelOptions): SlackChannel {
  return new SlackChannel(options);
}
