import { randomInt } from "node:crypto";
import { PAIRING_CODE_ALPHABET, PAIRING_CODE_LENGTH } from "./constants.js";

/** A crypto-random pairing code of {@link PAIRING_CODE_LENGTH} characters. */
export function generatePairingCode(): string {
  let code = "";
  for (let i = 0; i < PAIRING_CODE_LENGTH; i++)
    code += PAIRING_CODE_ALPHABET[randomInt(PAIRING_CODE_ALPHABET.length)];
  return code;
}

/**
 * A code not in `taken` (compared uppercase). With 32^8 codes and at most a handful pending a
 * retry is already rare; the bound only guards against a broken generator.
 */
export function generateUniqueCode(
  taken: ReadonlySet<string>,
  generate: () => string = generatePairingCode,
): string {
  for (let attempt = 0; attempt < 1000; attempt++) {
    const code = generate().toUpperCase();
    if (code !== "" && !taken.has(code)) return code;
  }
  throw new Error("pairing: could not generate a unique code");
}
