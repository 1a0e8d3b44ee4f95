export { peerIdForKey, preservesPeerIdCase } from "./case.js";
export { compileIdentityLinks, findLinkedIdentity, type IdentityLinkIndex } from "./identity-links.js";
export {
  type BuildAgentSessionKeyParams,
  buildAgentMainSessionKey,
  buildAgentSessionKey,
  type DmScope,
  MAIN_SESSION_KEY,
  normalizeDmScope,
} from "./key.js";
export {
  classifySessionKeyShape,
  type ParsedAgentSessionKey,
  parseAgentSessionKey,
  type SessionKeyShape,
} from "./parse.js";
export { buildGroupHistoryKey, type GroupHistoryKeyParams, resolveThreadSessionKey } from "./thread.js";
