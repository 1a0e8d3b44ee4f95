/**
 * File names of the era-B OpenClaw pairing layout. Channel and account ids are normalised by the
 * caller (lowercase); any character outside `[a-z0-9_-]` is percent-encoded per UTF-8 byte, so no
 * id can produce `/`, `\`, `.` or `..` and no file can land outside the store's directory. Usual ids
 * (`telegram`, `biz`, `default`) keep their plain OpenClaw names so files move over unchanged.
 */
export function encodeFileKey(id: string): string {
  let out = "";
  for (const byte of new TextEncoder().encode(id)) {
    const ch = String.fromCharCode(byte);
    out += /[a-z0-9_-]/.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** `<channel>-pairing.json`: pending requests of every account of a channel. */
export const pairingFileName = (channel: string) => `${encodeFileKey(channel)}-pairing.json`;

/** `<channel>-allowFrom.json` (no account: the legacy / default file) or `<channel>-<account>-allowFrom.json`. */
export const allowFromFileName = (channel: string, accountId?: string) =>
  accountId === undefined
    ? `${encodeFileKey(channel)}-allowFrom.json`
    : `${encodeFileKey(channel)}-${encodeFileKey(accountId)}-allowFrom.json`;

/** True for names this module produces: a single path segment with no dot-only parts. */
export function isSafeFileName(name: string): boolean {
  return /^[A-Za-z0-9%_-]+(-pairing|-allowFrom)\.json$/.test(name);
}
