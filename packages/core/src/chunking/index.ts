export { type ChunkTextOptions, chunkText } from "./chunk-text.js";
export { PLATFORM_TEXT_LIMITS, type TextLimitPlatform } from "./limits.js";
