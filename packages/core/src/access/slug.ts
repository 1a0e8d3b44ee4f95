import { toIdString } from "./values.js";

/** Lowercased slug of a Discord/Slack guild or channel name: `#General Chat` → `general-chat`. */
export function slugifyName(value: unknown): string {
  return toIdString(value)
    .toLowerCase()
    .replace(/^[@#]+/, "")
    .replace(/[^\p{L}\p{N}_]+/gu, "-")
    .replace(/^-+|-+$/g, "");
}
