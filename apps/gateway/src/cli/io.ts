import { ConfigError, GatewayError, toGatewayError } from "@patchbay/core";
import { formatIssues } from "../config/load-config.js";

/** Where a command writes; tests pass their own to capture output. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  env: NodeJS.ProcessEnv;
  /** True when a person is at the terminal (prompts allowed). */
  interactive: boolean;
  prompt?(question: string): Promise<string>;
}

/** A failure the user can act on; its message is printed as is and the exit code is 1. */
export class CliError extends Error {
  readonly exitCode: number;

  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = "CliError";
    this.exitCode = exitCode;
  }
}

export function printJson(io: CliIo, value: unknown): void {
  io.out(JSON.stringify(value, null, 2));
}

/** Turns any error into lines for stderr (every config issue on its own line) and an exit code. */
export function describeFailure(error: unknown): { lines: string[]; exitCode: number } {
  if (error instanceof CliError) return { lines: [error.message], exitCode: error.exitCode };
  if (error instanceof ConfigError)
    return { lines: ["Invalid config:", ...formatIssues(error.issues).map((l) => `  ${l}`)], exitCode: 1 };
  if (error instanceof GatewayError) return { lines: [`${error.code}: ${error.message}`], exitCode: 1 };
  return { lines: [toGatewayError(error).message], exitCode: 1 };
}
