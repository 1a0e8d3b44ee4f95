import { isSenderAllowed } from "./sender-match.js";
import { normalizeEntries, toIdString } from "./values.js";

/**
 * DM / group policy values (the config schema has the same unions; kept local so the access
 * helpers depend on no schema module, and not re-exported to avoid a name clash with config).
 */
export type DmPolicy = "pairing" | "allowlist" | "open" | "disabled";
export type GroupPolicy = "allowlist" | "open" | "disabled";

/** Machine-readable reason of an access decision. */
export type AccessDecisionCode =
  | "dm_policy_disabled"
  | "dm_policy_open"
  | "dm_policy_allowlisted"
  | "dm_policy_pairing"
  | "dm_policy_empty_allowlist"
  | "dm_policy_not_allowlisted"
  | "group_policy_disabled"
  | "group_policy_open"
  | "group_policy_allowlisted"
  | "group_policy_empty_allowlist"
  | "group_policy_not_allowlisted";

/** Result of {@link decideDmGroupAccess}. */
export interface AccessDecision {
  readonly decision: "allow" | "block" | "pairing";
  /** Human-readable, e.g. `dmPolicy=pairing (not allowlisted)`. */
  readonly reason: string;
  readonly code: AccessDecisionCode;
}

/** Input of {@link decideDmGroupAccess}; fields are openclaw.json-shaped and may be anything. */
export interface DmGroupAccessInput {
  readonly isGroup?: unknown;
  readonly dmPolicy?: unknown;
  readonly groupPolicy?: unknown;
  readonly allowFrom?: unknown;
  readonly groupAllowFrom?: unknown;
  /** Senders the pairing store approved; merged into the DM list only under `pairing`. */
  readonly storeAllowFrom?: unknown;
  readonly senderId?: unknown;
  /** Selects the §4.5 list normalisation; without it entries compare exactly. */
  readonly channel?: unknown;
}

/** `dmPolicy` with the default `pairing`. An unknown value fails closed as `allowlist` (no pairing replies). */
export function normalizeDmPolicy(value: unknown): DmPolicy {
  if (value === undefined || value === null) return "pairing";
  const policy = toIdString(value).toLowerCase();
  if (policy === "") return "pairing";
  return policy === "pairing" || policy === "open" || policy === "disabled" ? policy : "allowlist";
}

/** `groupPolicy` with the default `allowlist`; unknown values are `allowlist` too. */
export function normalizeGroupPolicy(value: unknown): GroupPolicy {
  const policy = toIdString(value).toLowerCase();
  return policy === "open" || policy === "disabled" ? policy : "allowlist";
}

/** Effective lists of §4.1. */
export interface EffectiveAllowLists {
  /** Config `allowFrom` plus, under `pairing` only, the store approvals (never `"*"` from the store). */
  readonly dm: string[];
  /** `groupAllowFrom` when non-empty, else `allowFrom`; never the pairing store. */
  readonly group: string[];
}

/** Computes the §4.1 effective DM and group-sender lists (trimmed, stringified, de-duplicated). */
export function resolveEffectiveAllowLists(input: {
  readonly dmPolicy?: unknown;
  readonly allowFrom?: unknown;
  readonly groupAllowFrom?: unknown;
  readonly storeAllowFrom?: unknown;
}): EffectiveAllowLists {
  const source = typeof input === "object" && input !== null ? input : {};
  const allowFrom = normalizeEntries(source.allowFrom);
  const groupAllowFrom = normalizeEntries(source.groupAllowFrom);
  const store =
    normalizeDmPolicy(source.dmPolicy) === "pairing"
      ? normalizeEntries(source.storeAllowFrom).filter((entry) => entry !== "*")
      : [];
  return {
    dm: [...new Set([...allowFrom, ...store])],
    group: groupAllowFrom.length > 0 ? groupAllowFrom : allowFrom,
  };
}

const decide = (decision: AccessDecision["decision"], reason: string, code: AccessDecisionCode) => ({
  decision,
  reason,
  code,
});

/**
 * Channel admission for one inbound message (§4.2). Groups: `disabled` blocks, `open` allows,
 * `allowlist` needs the sender in the effective group list. DMs: `disabled` blocks; a sender on the
 * effective list (or `"*"`) is allowed under any other policy, so `pairing` + `["*"]` admits
 * everyone (#136082); `open` without `"*"` admits only listed senders (Patchbay decides); `pairing`
 * asks for pairing; `allowlist` blocks. Never throws.
 */
export function decideDmGroupAccess(input: DmGroupAccessInput): AccessDecision {
  const source = typeof input === "object" && input !== null ? input : ({} as DmGroupAccessInput);
  const lists = resolveEffectiveAllowLists(source);
  const allowed = (list: string[]) =>
    isSenderAllowed({ channel: source.channel, allowFrom: list, senderId: source.senderId });

  if (source.isGroup === true) {
    const policy = normalizeGroupPolicy(source.groupPolicy);
    if (policy === "disabled") return decide("block", "groupPolicy=disabled", "group_policy_disabled");
    if (policy === "open") return decide("allow", "groupPolicy=open", "group_policy_open");
    if (lists.group.length === 0) {
      return decide("block", "groupPolicy=allowlist (empty allowlist)", "group_policy_empty_allowlist");
    }
    return allowed(lists.group)
      ? decide("allow", "groupPolicy=allowlist (allowlisted)", "group_policy_allowlisted")
      : decide("block", "groupPolicy=allowlist (not allowlisted)", "group_policy_not_allowlisted");
  }

  const policy = normalizeDmPolicy(source.dmPolicy);
  if (policy === "disabled") return decide("block", "dmPolicy=disabled", "dm_policy_disabled");
  if (policy === "open" && lists.dm.includes("*")) return decide("allow", "dmPolicy=open", "dm_policy_open");
  if (allowed(lists.dm)) return decide("allow", `dmPolicy=${policy} (allowlisted)`, "dm_policy_allowlisted");
  if (policy === "pairing")
    return decide("pairing", "dmPolicy=pairing (not allowlisted)", "dm_policy_pairing");
  if (lists.dm.length === 0) {
    return decide("block", `dmPolicy=${policy} (empty allowlist)`, "dm_policy_empty_allowlist");
  }
  return decide("block", `dmPolicy=${policy} (not allowlisted)`, "dm_policy_not_allowlisted");
}
