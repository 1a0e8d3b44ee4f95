export type { DeliveryOptions, EventDelivery } from "./delivery.js";
export {
  appMentionEvent,
  eventCallback,
  type MessageSpec,
  mentionedUserIds,
  messageEvent,
  type UserMessage,
  type UserMessageInput,
} from "./events.js";
export { FakeSlack, type FakeSlackOptions } from "./fake-slack.js";
export type { SlackFaultKind, SlackFaultSpec } from "./faults.js";
export {
  type HttpDelivery,
  postSignedEvent,
  type SignatureMode,
  type SignedPostOptions,
} from "./http-events.js";
export type { PostFilter } from "./post-log.js";
export type { SocketDelivery } from "./socket-mode.js";
export type { FakeApiCall, FakePostedMessage } from "./web-api.js";
export {
  type SlackAuthorization,
  type SlackEventCallback,
  type SlackWireEvent,
  type SlackWireFile,
  type SocketModeEnvelope,
  signedHeaders,
  slackSignature,
} from "./wire.js";
export {
  channelTypeOf,
  type FakeApp,
  type FakeConversation,
  type FakeConversationKind,
  type FakeInstallation,
  type FakeUser,
  type FakeWorkspace,
  SlackWorld,
} from "./world.js";
