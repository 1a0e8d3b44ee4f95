import { type ParseArgsConfig, parseArgs } from "node:util";
import { CliError } from "./io.js";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** Strict flag parsing: an unknown flag or a missing value is a clear error, never ignored. */
export function parseFlags<T extends Options>(argv: string[], options: T, usage: string) {
  try {
    return parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>({
      args: argv,
      options,
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    // Node's hint about `--` is about positionals starting with "-", which no command takes.
    const message =
      error instanceof Error
        ? error.message
            .replace(/^TypeError \[[A-Z_]+\]: /, "")
            .replace(/ To specify a positional argument[\s\S]*$/, "")
        : String(error);
    throw new CliError(`${message}\nUsage: ${usage}`, 2);
  }
}

export const commonFlags = {
  config: { type: "string" },
  json: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const;
