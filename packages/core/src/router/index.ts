export {
  DEFAULT_ACCOUNT_ID,
  DEFAULT_AGENT_ID,
  isKnownPeerKind,
  normalizeAccountId,
  normalizeAgentId,
  normalizeChannelId,
  normalizePeerId,
  normalizePeerKind,
  peerKindsMatch,
} from "./ids.js";
