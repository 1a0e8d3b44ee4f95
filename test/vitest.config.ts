import { defineProject } from "vitest/config";
import { sharedConfig } from "../vitest.shared.ts";

const shared = sharedConfig(import.meta.dirname);

export default defineProject({
  ...shared,
  test: {
    ...shared.test,
    setupFiles: ["./src/setup.ts"],
    // The end-to-end files each start platforms and gateways; run them one at a time.
    fileParallelism: false,
    testTimeout: 60_000,
  },
});
