export { FakeDiscord, type FakeDiscordOptions, type SayOptions, type TypingRecord } from "./fake-discord.js";
export type { GatewayOutage, GatewayRecord } from "./gateway.js";
export { computePings, type ParsedMentions, type Pings, parseMentions } from "./mentions.js";
export type { BotMessageRecord, RateLimitFault, RestRecord } from "./rest.js";
export * from "./wire.js";
export type { AddBotOptions, AddUserOptions, AttachmentInput, FakeBot } from "./world.js";
