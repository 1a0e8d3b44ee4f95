import { builtInChannels } from "../../channels/registry.js";
import { startDevPlayground } from "../../dev/playground.js";
import { startGateway } from "../../gateway.js";
import { createLogger } from "../../logger.js";
import { resolvePaths } from "../../paths.js";
import { parseFlags } from "../args.js";
import { CliError, type CliIo } from "../io.js";

const USAGE =
  "patchbay gateway [--config PATH] [--state-dir DIR] [--port N] [--dev] [--log-level debug|info|warn|error]";

/**
 * Runs the daemon until SIGINT/SIGTERM, then drains in-flight turns and sends and stops every
 * account. `--dev` starts the four fake platforms in-process and, without a config of your own,
 * uses the example config that points every account at them.
 */
export async function gatewayCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags(
    argv,
    {
      config: { type: "string" },
      "state-dir": { type: "string" },
      port: { type: "string" },
      dev: { type: "boolean", default: false },
      "log-level": { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
    USAGE,
  );
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65_535))
    throw new CliError(`--port must be 0-65535`, 2);
  const logger = createLogger({
    level: values["log-level"] ?? "info",
    pretty: values.dev || process.stdout.isTTY === true,
  });

  if (values.dev) {
    const playground = await startDevPlayground({
      config: values.config,
      stateDir: values["state-dir"],
      port,
      env: io.env,
      logger,
      io,
    });
    await untilSignal();
    io.out("stopping: draining in-flight turns…");
    await playground.stop();
    return 0;
  }

  const paths = resolvePaths({ config: values.config, stateDir: values["state-dir"] }, io.env);
  const gateway = await startGateway({
    ...paths,
    logger,
    channels: builtInChannels,
    env: io.env,
    ...(port !== undefined ? { port } : {}),
  });
  io.out(
    `patchbay gateway listening on ${gateway.url} (health: ${gateway.url}/healthz, console: ${gateway.url}/)`,
  );
  await untilSignal();
  io.out("stopping: draining in-flight turns…");
  await gateway.stop();
  return 0;
}

/**
 * Resolves on the first SIGINT/SIGTERM. Ctrl-C under a runner (turbo, pnpm) often delivers the
 * same signal twice in a row, so only a signal more than 2 s after the first forces an exit.
 */
function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const first = () => {
      process.off("SIGINT", first);
      process.off("SIGTERM", first);
      const firstAt = Date.now();
      const force = () => {
        if (Date.now() - firstAt > 2_000) process.exit(130);
      };
      process.on("SIGINT", force);
      process.on("SIGTERM", force);
      resolve();
    };
    process.once("SIGINT", first);
    process.once("SIGTERM", first);
  });
}
