import { homedir } from "node:os";
import { join, resolve } from "node:path";

export interface GatewayPaths {
  stateDir: string;
  configPath: string;
}

/**
 * The state dir is `PATCHBAY_STATE_DIR` or `~/.patchbay`; the config path is `--config`, else
 * `PATCHBAY_CONFIG_PATH`, else `<stateDir>/patchbay.json`.
 */
export function resolvePaths(
  options: { config?: string | undefined; stateDir?: string | undefined },
  env = process.env,
): GatewayPaths {
  const stateDir = resolve(options.stateDir ?? env.PATCHBAY_STATE_DIR ?? join(homedir(), ".patchbay"));
  const configPath = resolve(options.config ?? env.PATCHBAY_CONFIG_PATH ?? join(stateDir, "patchbay.json"));
  return { stateDir, configPath };
}

export const credentialsDir = (stateDir: string) => join(stateDir, "credentials");
export const whatsappAuthDir = (stateDir: string, encodedAccountId: string) =>
  join(stateDir, "credentials", "whatsapp", encodedAccountId);
