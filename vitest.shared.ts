import { fileURLToPath } from "node:url";
import type { UserWorkspaceConfig } from "vitest/config";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** Tests read every workspace package from its `src`, so no build is needed first. */
export const workspaceAliases = [
  {
    find: /^@patchbay\/testkit\/(telegram|discord|slack|whatsapp)$/,
    replacement: here("./packages/testkit/src/$1/index.ts"),
  },
  { find: /^@patchbay\/testkit$/, replacement: here("./packages/testkit/src/index.ts") },
  {
    find: /^@patchbay\/(core|telegram|discord|slack|whatsapp)$/,
    replacement: here("./packages/$1/src/index.ts"),
  },
  { find: /^@patchbay\/gateway$/, replacement: here("./apps/gateway/src/index.ts") },
];

export function sharedConfig(root: string): UserWorkspaceConfig {
  return {
    root,
    resolve: { alias: workspaceAliases },
    test: {
      include: ["src/**/*.test.ts"],
      testTimeout: 30_000,
      hookTimeout: 30_000,
      pool: "forks",
    },
  };
}
