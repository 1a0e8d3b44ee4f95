import { describe, expect, it } from "vitest";
import { runCaptured } from "./cli-test-io.js";
import { HELP } from "./main.js";

const env = { PATCHBAY_STATE_DIR: "/nonexistent/patchbay-cli-test" };

describe("patchbay (top level)", () => {
  it("prints the help and exits 0 for --help, -h and help", async () => {
    for (const argv of [["--help"], ["-h"], ["help"]]) {
      const run = await runCaptured(argv, env);
      expect(run.code, argv.join(" ")).toBe(0);
      expect(run.out.join("\n")).toBe(HELP);
      expect(run.err).toEqual([]);
    }
  });

  it("lists every command in the help", () => {
    for (const command of [
      "gateway",
      "config validate",
      "route explain",
      "agents add",
      "agents list",
      "channels login",
      "channels status",
      "pairing list",
      "pairing approve",
    ]) {
      expect(HELP).toContain(`patchbay ${command}`);
    }
  });

  it("prints the help but exits 2 when no command is given", async () => {
    const run = await runCaptured([], env);
    expect(run.code).toBe(2);
    expect(run.out.join("\n")).toContain("Usage:");
  });

  it("rejects an unknown command on stderr with exit 2 and the help", async () => {
    const run = await runCaptured(["frobnicate", "--json"], env);
    expect(run.code).toBe(2);
    expect(run.out).toEqual([]);
    expect(run.err[0]).toMatch(/^unknown command: frobnicate/);
    expect(run.err.join("\n")).toContain("patchbay config validate");
  });

  it("rejects an unknown subcommand of a known group and a group without its subcommand", async () => {
    const wrong = await runCaptured(["config", "check"], env);
    expect(wrong.code).toBe(2);
    expect(wrong.err[0]).toMatch(/^unknown command: config check/);
    const bare = await runCaptured(["agents"], env);
    expect(bare.code).toBe(2);
    expect(bare.err[0]).toMatch(/^unknown command: agents/);
  });

  it("answers --help after a command with the help, without running the command", async () => {
    // Would fail (no config at that path) if the command ran.
    const run = await runCaptured(["agents", "list", "--help"], env);
    expect(run.code).toBe(0);
    expect(run.out.join("\n")).toContain("patchbay agents list");
    expect(run.err).toEqual([]);
  });
});
