import type { EnvLike } from "./resolve-secret.js";
import { DEFAULT_GATEWAY_HOST, DEFAULT_GATEWAY_PORT, type PatchbayConfig } from "./schema.js";

export interface GatewayListen {
  port: number;
  host: string;
}

/**
 * Where the gateway's HTTP server listens. `gateway.bind` is a host/IP, or one of OpenClaw's modes:
 * `loopback`/`auto` → 127.0.0.1, `lan` → 0.0.0.0, `custom` → `gateway.customBindHost`; `tailnet`
 * falls back to loopback (Patchbay does not discover tailnet addresses).
 */
export function resolveGatewayListen(config: PatchbayConfig): GatewayListen {
  const gateway = config.gateway;
  const port = gateway?.port ?? DEFAULT_GATEWAY_PORT;
  const bind = gateway?.bind?.trim();
  let host: string;
  switch (bind) {
    case undefined:
    case "":
    case "auto":
    case "loopback":
    case "tailnet":
      host = DEFAULT_GATEWAY_HOST;
      break;
    case "lan":
      host = "0.0.0.0";
      break;
    case "custom":
      host = gateway?.customBindHost?.trim() || DEFAULT_GATEWAY_HOST;
      break;
    default:
      host = bind;
  }
  return { port, host };
}

/**
 * The process env overlaid on the config's `env` section (`env.vars` and inline `KEY: "value"`
 * pairs): a variable already set in the process wins, as in OpenClaw.
 */
export function mergeConfigEnv(config: PatchbayConfig, env: EnvLike): Record<string, string | undefined> {
  const fromConfig: Record<string, string> = {};
  const section = config.env;
  if (section) {
    for (const [key, value] of Object.entries(section)) {
      if (key !== "vars" && key !== "shellEnv" && typeof value === "string") fromConfig[key] = value;
    }
    Object.assign(fromConfig, section.vars ?? {});
  }
  const merged: Record<string, string | undefined> = { ...fromConfig };
  for (const [key, value] of Object.entries(env)) if (value !== undefined) merged[key] = value;
  return merged;
}
