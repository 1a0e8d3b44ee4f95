import { lstatSync, readFileSync } from "node:fs";
import { ConfigError } from "@patchbay/core";

/**
 * Reads a Telegram `tokenFile` (spec §1.3): a regular file only, symlinks refused, so a config can't
 * be pointed at an arbitrary file through a link. The token is trimmed and never echoed back.
 */
export function readTokenFile(path: string): string {
  let stat: ReturnType<typeof lstatSync>;
  try {
    stat = lstatSync(path);
  } catch {
    throw new ConfigError([{ path: "tokenFile", message: `token file not found: ${path}` }]);
  }
  if (stat.isSymbolicLink() || !stat.isFile()) {
    throw new ConfigError([
      { path: "tokenFile", message: `token file must be a regular file (symlinks are refused): ${path}` },
    ]);
  }
  return readFileSync(path, "utf8").trim();
}
