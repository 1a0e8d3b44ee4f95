// Config code uses the router's normalisers so validation and routing can never disagree on an id.
export {
  DEFAULT_ACCOUNT_ID,
  DEFAULT_AGENT_ID,
  normalizeAccountId as normalizeConfigAccountId,
  normalizeAgentId as normalizeConfigAgentId,
} from "../router/index.js";
