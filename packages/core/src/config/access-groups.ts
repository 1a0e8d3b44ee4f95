import type { PatchbayConfig } from "./schema.js";

type AllowEntry = string | number;

const PREFIX = /^accessGroup:/i;

/**
 * Expands `accessGroup:<name>` entries of an allowlist into the members of
 * `accessGroups.<name>` for this channel (`members.<channel>`) and for every channel
 * (`members["*"]`), spec §4.5. An unknown group expands to nothing, so it admits no one.
 */
export function expandAccessGroups(
  list: readonly AllowEntry[],
  config: Pick<PatchbayConfig, "accessGroups">,
  channel: string,
): AllowEntry[] {
  if (!list.some((entry) => typeof entry === "string" && PREFIX.test(entry.trim()))) return [...list];
  const groups = config.accessGroups ?? {};
  return list.flatMap((entry) => {
    if (typeof entry !== "string" || !PREFIX.test(entry.trim())) return [entry];
    const name = entry.trim().replace(PREFIX, "");
    const members = (Object.hasOwn(groups, name) ? groups[name]?.members : undefined) ?? {};
    return [...(Object.hasOwn(members, channel) ? (members[channel] ?? []) : []), ...(members["*"] ?? [])];
  });
}
