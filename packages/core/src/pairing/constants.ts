/** Pairing code characters: no 0/O/1/I, so codes survive being read aloud or retyped. */
export const PAIRING_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
/** Characters per pairing code. */
export const PAIRING_CODE_LENGTH = 8;
/** A pending request expires one hour after it was created. */
export const PAIRING_TTL_MS = 3_600_000;
/** Pending requests allowed per channel account; a new sender beyond it gets no code. */
export const PAIRING_MAX_PENDING = 3;
