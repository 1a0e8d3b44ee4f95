export { type ChatGroupAccess, resolveChatGroupAccess } from "./chat-groups.js";
export {
  type AccessDecision,
  type AccessDecisionCode,
  type DmGroupAccessInput,
  decideDmGroupAccess,
  type EffectiveAllowLists,
  normalizeDmPolicy,
  normalizeGroupPolicy,
  resolveEffectiveAllowLists,
} from "./decide.js";
export {
  type DiscordGuildAccess,
  type DiscordGuildAccessInput,
  resolveDiscordGuildAccess,
} from "./discord-guilds.js";
export {
  DEFAULT_GROUP_HISTORY_LIMIT,
  resolveDmHistoryLimit,
  resolveGroupHistoryLimit,
} from "./history-limit.js";
export { type MentionGateInput, type MentionGateResult, resolveMentionGate } from "./mention-gate.js";
export {
  buildMentionRegexes,
  compileMentionPattern,
  matchesMentionPatterns,
  normalizeMentionText,
  resolveMentionPatternSources,
} from "./mention-patterns.js";
export { isUnsafeRegexSource } from "./safe-regex.js";
export { isSenderAllowed, normalizeSenderEntry, type SenderAllowedInput } from "./sender-match.js";
export {
  resolveSlackChannelAccess,
  type SlackChannelAccess,
  type SlackChannelAccessInput,
} from "./slack-channels.js";
