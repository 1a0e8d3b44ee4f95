export {
  type BroadcastRun,
  type BroadcastRuns,
  type BroadcastStrategy,
  type ResolveBroadcastRunsParams,
  resolveBroadcastRuns,
  resolveBroadcastStrategy,
} from "./broadcast.js";
