import { readFile } from "node:fs/promises";
import { resolveGatewayListen } from "@patchbay/core";
import { loadConfigFile } from "../config/load-config.js";
import { adminTokenPath } from "../http/admin-token.js";
import { resolvePaths } from "../paths.js";
import { CliError } from "./io.js";

/** Talks to the running gateway over its local HTTP API (found through the config's gateway section). */
export async function gatewayClient(options: {
  config?: string | undefined;
  url?: string | undefined;
  env: NodeJS.ProcessEnv;
}) {
  const { configPath, stateDir } = resolvePaths({ config: options.config }, options.env);
  let base = options.url;
  if (!base) {
    const { config } = await loadConfigFile(configPath, { stateDir });
    const listen = resolveGatewayListen(config);
    const host = listen.host === "0.0.0.0" ? "127.0.0.1" : listen.host;
    base = `http://${host.includes(":") ? `[${host}]` : host}:${listen.port}`;
  }
  const request = async (path: string, init: RequestInit = {}) => {
    let response: Response;
    try {
      response = await fetch(new URL(path, base), { ...init, signal: AbortSignal.timeout(30_000) });
    } catch {
      throw new CliError(
        `no gateway answering at ${base} (start it with \`patchbay gateway\`, or pass --url)`,
      );
    }
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    return { status: response.status, body };
  };
  return {
    base,
    get: (path: string) => request(path),
    /** POSTs with the admin token the gateway wrote to its state dir (only the owner can read it). */
    post: async (path: string, body: unknown) => {
      const token = (await readFile(adminTokenPath(stateDir), "utf8").catch(() => "")).trim();
      return request(path, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      });
    },
  };
}
