import { ConfigError } from "@patchbay/core";
import { formatIssues, loadConfigFile } from "../../config/load-config.js";
import { resolvePaths } from "../../paths.js";
import { commonFlags, parseFlags } from "../args.js";
import { type CliIo, printJson } from "../io.js";

const USAGE = "patchbay config validate [--config PATH] [--json]";

/** Exit 0 when valid (warnings still printed), 1 when not; every issue as `path: message`. */
export async function configValidate(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags(argv, commonFlags, USAGE);
  const { configPath, stateDir } = resolvePaths({ config: values.config }, io.env);
  const plain = (issues: { path: string; message: string }[]) =>
    issues.map(({ path, message }) => ({ path, message }));
  try {
    const { warnings } = await loadConfigFile(configPath, { stateDir });
    if (values.json) printJson(io, { valid: true, path: configPath, errors: [], warnings: plain(warnings) });
    else {
      io.out(`${configPath}: valid`);
      for (const line of formatIssues(warnings)) io.out(`warning: ${line}`);
    }
    return 0;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    if (values.json)
      printJson(io, { valid: false, path: configPath, errors: plain(error.issues), warnings: [] });
    else {
      io.err(`${configPath}: invalid`);
      for (const line of formatIssues(error.issues)) io.err(line);
    }
    return 1;
  }
}
