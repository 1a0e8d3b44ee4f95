#!/usr/bin/env node
import { createInterface } from "node:readline/promises";
import { runCli } from "./cli/main.js";
import { installConsoleGuard } from "./console-guard.js";

installConsoleGuard();

const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true;
const exitCode = await runCli(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
  interactive,
  prompt: async (question) => {
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    try {
      return await rl.question(question);
    } finally {
      rl.close();
    }
  },
});
// Exit explicitly: a platform SDK may keep a socket alive after a clean stop.
process.exit(exitCode);
