export {
  LaneRejectedError,
  type LaneRejection,
  type LaneStats,
  type LaneTask,
  SessionLanes,
  type SessionLanesOptions,
} from "./session-lanes.js";
