import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRecordingLogger, type RecordingLogger } from "@patchbay/core";
import { builtInChannels } from "../channels/registry.js";
import { type GatewayOptions, type RunningGateway, startGateway } from "../gateway.js";

export interface TempGateway {
  gateway: RunningGateway;
  stateDir: string;
  configPath: string;
  logger: RecordingLogger;
  writeConfig(config: unknown): Promise<void>;
  /** Stops this gateway and starts a new one on the same state dir and config. */
  restart(): Promise<RunningGateway>;
  dispose(): Promise<void>;
}

/** A gateway on a throwaway state dir, port 0, no file watching unless asked. */
export async function startTempGateway(
  config: unknown,
  overrides: Partial<GatewayOptions> = {},
): Promise<TempGateway> {
  const stateDir = await mkdtemp(join(tmpdir(), "patchbay-gw-"));
  const configPath = join(stateDir, "patchbay.json");
  const writeConfig = (value: unknown) => writeFile(configPath, JSON.stringify(value, null, 2));
  await writeConfig(config);
  const logger = createRecordingLogger();
  const options: GatewayOptions = {
    configPath,
    stateDir,
    logger,
    channels: builtInChannels,
    env: {},
    port: 0,
    watchConfig: false,
    fsync: false,
    supervisorBackoff: { initialMs: 50, maxMs: 200 },
    ...overrides,
  };
  const handle: TempGateway = {
    gateway: await startGateway(options),
    stateDir,
    configPath,
    logger,
    writeConfig,
    restart: async () => {
      await handle.gateway.stop();
      handle.gateway = await startGateway(options);
      return handle.gateway;
    },
    dispose: async () => {
      await handle.gateway.stop();
      await rm(stateDir, { recursive: true, force: true });
    },
  };
  return handle;
}
