import { mkdtemp, realpath, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRecordingLogger } from "@patchbay/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CommandRuntime } from "./command.js";
import type { AgentTurn } from "./types.js";

const node = process.execPath;
const readStdin = "let d='';process.stdin.on('data',c=>d+=c).on('end',()=>{const t=JSON.parse(d);";

function turn(overrides: Partial<AgentTurn> = {}): AgentTurn {
  return {
    agentId: "cmd",
    sessionKey: "agent:cmd:main",
    channel: "slack",
    accountId: "default",
    peer: { kind: "direct", id: "U1" },
    sender: { id: "U1", isBot: false },
    text: "hello",
    timestamp: 1,
    groupHistory: [],
    history: [],
    ...overrides,
  };
}

const script = (code: string, extra: Partial<ConstructorParameters<typeof CommandRuntime>[0]> = {}) => ({
  type: "command" as const,
  command: node,
  args: ["-e", code],
  ...extra,
});

describe("CommandRuntime (node -e scripts)", () => {
  let workspace: string;
  beforeEach(async () => {
    workspace = await realpath(await mkdtemp(join(tmpdir(), "pb-cmd-")));
  });
  afterEach(async () => {
    await rm(workspace, { recursive: true, force: true });
  });

  it("sends the turn as JSON on stdin and reads a JSON reply", async () => {
    const runtime = new CommandRuntime(
      script(
        `${readStdin}process.stdout.write(JSON.stringify({text:'got '+t.text+' for '+t.agentId+' '+process.env.PATCHBAY_SESSION_KEY+' ws:'+('workspaceDir' in t)}))})`,
      ),
    );
    expect(await runtime.run(turn())).toEqual({ text: "got hello for cmd agent:cmd:main ws:false" });
  });

  it("reads a plain-text reply and runs in the agent's workspace", async () => {
    const runtime = new CommandRuntime(script("process.stdout.write('  cwd=' + process.cwd() + '\\n')"));
    expect(await runtime.run(turn({ workspaceDir: workspace }))).toEqual({ text: `cwd=${workspace}` });
    // A missing workspace does not stop the agent.
    expect((await runtime.run(turn({ workspaceDir: join(workspace, "missing") }))).text).toMatch(/^cwd=/);
  });

  it("does not leak the gateway's environment, only PATH-like basics plus configured env", async () => {
    process.env.PB_TEST_BOT_TOKEN = "123:leak";
    try {
      const runtime = new CommandRuntime(
        script(
          "process.stdout.write(JSON.stringify([process.env.PB_TEST_BOT_TOKEN ?? 'none', process.env.EXTRA]))",
          {
            env: { EXTRA: "yes" },
          },
        ),
      );
      expect(JSON.parse((await runtime.run(turn())).text)).toEqual(["none", "yes"]);
    } finally {
      delete process.env.PB_TEST_BOT_TOKEN;
    }
  });

  it("a non-zero exit is an error; stderr goes to the log, not the message", async () => {
    const logger = createRecordingLogger();
    const runtime = new CommandRuntime(
      script(
        "process.stdout.write('partial'); process.stderr.write('Traceback: secret detail'); process.exit(3)",
      ),
      { logger },
    );
    const error = await runtime.run(turn()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "AGENT_FAILED", reason: "exit", exitCode: 3 });
    expect((error as Error).message).not.toContain("secret detail");
    expect(logger.records.find((r) => r.level === "warn")?.fields).toMatchObject({
      exitCode: 3,
      stderrTail: "Traceback: secret detail",
    });
  });

  it("a command that does not exist is a spawn failure", async () => {
    const runtime = new CommandRuntime({ type: "command", command: join(workspace, "no-such-binary") });
    await expect(runtime.run(turn())).rejects.toMatchObject({ reason: "spawn" });
  });

  it("kills a command that runs past its timeout", async () => {
    const runtime = new CommandRuntime(script("setInterval(() => {}, 1000)", { timeoutMs: 150 }));
    await expect(runtime.run(turn())).rejects.toMatchObject({ reason: "timeout" });
  });

  it("escalates to SIGKILL when the command ignores SIGTERM (abort via signal)", async () => {
    const marker = join(workspace, "ready");
    const logger = createRecordingLogger();
    const runtime = new CommandRuntime(
      script(
        `process.on('SIGTERM', () => {}); require('fs').writeFileSync(${JSON.stringify(marker)}, 'x'); setInterval(() => {}, 1000)`,
      ),
      { logger, killGraceMs: 50 },
    );
    const controller = new AbortController();
    const pending = runtime.run(turn(), controller.signal);
    // Abort only once the child has installed its SIGTERM handler.
    while (!(await stat(marker).catch(() => undefined))) await new Promise((r) => setTimeout(r, 10));
    controller.abort();
    await expect(pending).rejects.toMatchObject({ reason: "aborted" });
    expect(logger.records.find((r) => r.message === "agent command stopped")?.fields).toMatchObject({
      why: "aborted",
      signal: "SIGKILL",
    });
  });

  it("stops a command that floods stdout", async () => {
    const runtime = new CommandRuntime(
      script(
        "const b = 'x'.repeat(65536); const go = () => { while (process.stdout.write(b)); process.stdout.once('drain', go); }; go()",
      ),
    );
    await expect(runtime.run(turn())).rejects.toMatchObject({ reason: "output-too-large" });
  });

  it("an already-aborted signal never spawns", async () => {
    const runtime = new CommandRuntime(script("process.stdout.write('x')"));
    const controller = new AbortController();
    controller.abort();
    await expect(runtime.run(turn(), controller.signal)).rejects.toMatchObject({ reason: "aborted" });
  });

  it("a command that ignores stdin still answers", async () => {
    const runtime = new CommandRuntime(script("process.stdout.write('fine')"));
    expect(await runtime.run(turn({ text: "x".repeat(200_000) }))).toEqual({ text: "fine" });
  });
});
