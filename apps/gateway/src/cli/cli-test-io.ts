import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CliIo } from "./io.js";
import { runCli } from "./main.js";

/** What one CLI invocation printed, and its exit code. Test support only. */
export interface CliRun {
  code: number;
  out: string[];
  err: string[];
  /** stdout and stderr together, for "never printed" assertions. */
  all: string;
  /** stdout parsed as one JSON document (throws with the output when it is not JSON). */
  json<T = Record<string, unknown>>(): T;
}

/** A throwaway state dir with the config inside it, and `run()` bound to that environment. */
export interface CliSandbox {
  stateDir: string;
  configPath: string;
  env: NodeJS.ProcessEnv;
  /** Writes the config: objects as JSON, strings verbatim (for JSON5 and syntax errors). */
  writeConfig(config: unknown): Promise<void>;
  run(
    argv: string[],
    options?: { interactive?: boolean; answers?: string[] },
  ): Promise<CliRun & { questions: string[] }>;
  dispose(): Promise<void>;
}

/** Runs `runCli` with a capturing io; `answers` feed the prompts in order (interactive mode). */
export async function runCaptured(
  argv: string[],
  env: NodeJS.ProcessEnv,
  options: { interactive?: boolean; answers?: string[] } = {},
): Promise<CliRun & { questions: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const questions: string[] = [];
  const answers = [...(options.answers ?? [])];
  const io: CliIo = {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    env,
    interactive: options.interactive ?? false,
    prompt: async (question) => {
      questions.push(question);
      return answers.shift() ?? "";
    },
  };
  const code = await runCli(argv, io);
  return {
    code,
    out,
    err,
    questions,
    all: [...out, ...err].join("\n"),
    json: <T>() => {
      try {
        return JSON.parse(out.join("\n")) as T;
      } catch {
        throw new Error(`stdout is not JSON:\n${out.join("\n")}\nstderr:\n${err.join("\n")}`);
      }
    },
  };
}

export async function createCliSandbox(): Promise<CliSandbox> {
  const stateDir = await mkdtemp(join(tmpdir(), "patchbay-cli-"));
  const configPath = join(stateDir, "patchbay.json");
  const env: NodeJS.ProcessEnv = { PATCHBAY_STATE_DIR: stateDir, PATCHBAY_CONFIG_PATH: configPath };
  return {
    stateDir,
    configPath,
    env,
    writeConfig: (config) =>
      writeFile(configPath, typeof config === "string" ? config : JSON.stringify(config, null, 2)),
    run: (argv, options) => runCaptured(argv, env, options),
    dispose: () => rm(stateDir, { recursive: true, force: true }),
  };
}

/** A local URL where nothing listens (a port that was just free). */
export async function closedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
