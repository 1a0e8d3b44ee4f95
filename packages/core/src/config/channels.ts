import { channelSection } from "./account-sections.js";
import type { PatchbayConfig } from "./schema.js";

/**
 * Channels to start, in config order: every `channels.<name>` section (not `defaults`) whose
 * `enabled` is not false (spec §1.3). Whether Patchbay has an adapter for it is the gateway's call.
 */
export function listEnabledChannels(config: PatchbayConfig): string[] {
  return Object.keys(config.channels ?? {}).filter((name) => {
    if (name === "defaults") return false;
    const section = channelSection(config, name);
    return section !== undefined && section.enabled !== false;
  });
}
