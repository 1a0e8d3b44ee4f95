import { asRecord, own, toIdString } from "./values.js";

/** Pending group messages kept for context when nothing configures a limit. */
export const DEFAULT_GROUP_HISTORY_LIMIT = 50;

const limitOf = (value: unknown): number | undefined =>
  typeof value === "number" && Number.isInteger(value) && value >= 0 ? value : undefined;

/**
 * How many non-triggering group messages to keep as pending history: account/channel
 * `historyLimit` → `messages.groupChat.historyLimit` → 50. `0` disables. Invalid values are skipped.
 */
export function resolveGroupHistoryLimit(input: {
  readonly cfg?: unknown;
  readonly accountConfig?: unknown;
}): number {
  const source = typeof input === "object" && input !== null ? input : {};
  const global = own(
    asRecord(own(asRecord(own(asRecord(source.cfg), "messages")), "groupChat")),
    "historyLimit",
  );
  return (
    limitOf(own(asRecord(source.accountConfig), "historyLimit")) ??
    limitOf(global) ??
    DEFAULT_GROUP_HISTORY_LIMIT
  );
}

/** DM history limit: `dms.<peerId>.historyLimit` → `dmHistoryLimit` → undefined (no limit set). */
export function resolveDmHistoryLimit(input: {
  readonly accountConfig?: unknown;
  readonly peerId?: unknown;
}): number | undefined {
  const source = typeof input === "object" && input !== null ? input : {};
  const config = asRecord(source.accountConfig);
  const peerId = toIdString(source.peerId);
  const perPeer =
    peerId === "" ? undefined : own(asRecord(own(asRecord(own(config, "dms")), peerId)), "historyLimit");
  return limitOf(perPeer) ?? limitOf(own(config, "dmHistoryLimit"));
}
