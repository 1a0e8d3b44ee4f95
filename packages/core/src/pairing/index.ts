export { generatePairingCode } from "./code.js";
export {
  PAIRING_CODE_ALPHABET,
  PAIRING_CODE_LENGTH,
  PAIRING_MAX_PENDING,
  PAIRING_TTL_MS,
} from "./constants.js";
export { buildPairingReply, type PairingReplyInput } from "./reply.js";
export {
  createPairingStore,
  type PairingApproval,
  type PairingRequest,
  type PairingScope,
  type PairingStore,
  type PairingStoreOptions,
  type PairingUpsertResult,
} from "./store.js";
