import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The built CLI (turbo builds every dependency of this package before its tests). */
export const CLI_PATH = fileURLToPath(new URL("../../../apps/gateway/dist/cli.js", import.meta.url));

export interface GatewayProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves with the URL once the gateway says it is listening. */
  ready: Promise<string>;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs `patchbay gateway` in a child process, as an operator would. */
export function spawnGateway(args: string[], env: NodeJS.ProcessEnv = {}): GatewayProcess {
  const child = spawn(process.execPath, [CLI_PATH, "gateway", ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const ready = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+?)\s/.exec(output);
      if (match?.[1]) resolve(match[1]);
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once("exit", (code) =>
      reject(new Error(`gateway exited with ${code} before it was ready:\n${output}`)),
    );
  });
  ready.catch(() => {});
  return {
    child,
    output: () => output,
    ready,
    kill: (signal = "SIGTERM") =>
      new Promise((resolve) => {
        if (child.exitCode !== null) {
          resolve(child.exitCode);
          return;
        }
        child.once("exit", (code) => resolve(code));
        child.kill(signal);
      }),
  };
}
