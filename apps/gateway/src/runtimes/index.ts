export { CommandRuntime, createCommandRuntime } from "./command.js";
export { createEchoRuntime, EchoRuntime } from "./echo.js";
export { type AgentFailure, AgentRuntimeError } from "./errors.js";
export { createRuntime, parseRuntimeConfig } from "./factory.js";
export { buildChatMessages, type ChatMessage, createOpenAiRuntime, OpenAiRuntime } from "./openai.js";
export type {
  AgentReply,
  AgentRuntime,
  AgentTurn,
  CommandRuntimeConfig,
  EchoRuntimeConfig,
  GroupContextLine,
  HistoryMessage,
  OpenAiRuntimeConfig,
  RuntimeConfig,
  RuntimeDeps,
  RuntimeType,
  WebhookRuntimeConfig,
} from "./types.js";
export { createWebhookRuntime, WebhookRuntime } from "./webhook.js";
export {
  SIGNATURE_HEADER,
  signWebhookBody,
  type VerifyWebhookOptions,
  verifyWebhookSignature,
} from "./webhook-signature.js";
export { loadWorkspacePrompt, WORKSPACE_PROMPT_FILES } from "./workspace-prompt.js";
