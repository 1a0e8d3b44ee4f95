export { builtInChannels } from "./channels/registry.js";
export type { ChannelContext, ChannelDefinition, ChannelFactories, HttpMount } from "./channels/types.js";
export { whatsappChannelWith } from "./channels/whatsapp.js";
export { CliError, type CliIo } from "./cli/io.js";
export { HELP, runCli } from "./cli/main.js";
export { formatIssues, type LoadedConfig, loadConfigFile } from "./config/load-config.js";
export { installConsoleGuard } from "./console-guard.js";
export {
  DEV_CONFIG_PATH,
  type PlaygroundOptions,
  type RunningPlayground,
  startDevPlayground,
} from "./dev/playground.js";
export { type GatewayOptions, type RunningGateway, startGateway } from "./gateway.js";
export { createLogger } from "./logger.js";
export { resolvePaths } from "./paths.js";
export { AGENT_APOLOGY } from "./pipeline/pipeline.js";
