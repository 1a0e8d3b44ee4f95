import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadWorkspacePrompt } from "./workspace-prompt.js";

describe("loadWorkspacePrompt", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "pb-prompt-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("joins SOUL.md, AGENTS.md, USER.md in that order, skipping missing and empty files", async () => {
    await writeFile(join(dir, "USER.md"), "user");
    await writeFile(join(dir, "AGENTS.md"), "   \n");
    await writeFile(join(dir, "SOUL.md"), "soul");
    await writeFile(join(dir, "OTHER.md"), "ignored");
    expect(await loadWorkspacePrompt(dir)).toBe("## SOUL.md\n\nsoul\n\n## USER.md\n\nuser");
  });

  it("no workspace, or a missing one, gives an empty prompt", async () => {
    expect(await loadWorkspacePrompt(undefined)).toBe("");
    expect(await loadWorkspacePrompt(join(dir, "missing"))).toBe("");
  });

  it("cuts very long files", async () => {
    await writeFile(join(dir, "SOUL.md"), "s".repeat(50_000));
    const prompt = await loadWorkspacePrompt(dir);
    expect(prompt.length).toBeLessThan(21_000);
    expect(prompt.endsWith("…(truncated)")).toBe(true);
  });
});
