import { defineProject } from "vitest/config";
import { sharedConfig } from "../../vitest.shared.ts";

export default defineProject(sharedConfig(import.meta.dirname));
