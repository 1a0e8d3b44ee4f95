import {
  normalizeAccountId,
  normalizeAgentId,
  normalizeChannelId,
  normalizePeerId,
  normalizePeerKind,
} from "../router/ids.js";
import { peerIdForKey } from "./case.js";
import { findLinkedIdentity } from "./identity-links.js";

/** How direct messages split into sessions (spec §1.4, §3.1). */
export type DmScope = "main" | "per-peer" | "per-channel-peer" | "per-account-channel-peer";

/** The session key's main segment; era B forces `main` whatever `session.mainKey` says. */
export const MAIN_SESSION_KEY = "main";

/** Reads `session.dmScope`; anything that is not one of the four scopes means `main`. */
export function normalizeDmScope(value: unknown): DmScope {
  return value === "per-peer" || value === "per-channel-peer" || value === "per-account-channel-peer"
    ? value
    : "main";
}

/** `agent:<agentId>:main`, with the agent id normalised. */
export function buildAgentMainSessionKey(agentId: unknown): string {
  return `agent:${normalizeAgentId(agentId)}:${MAIN_SESSION_KEY}`;
}

/**
 * The DM key from already-normalised parts. `identity` is the peer id, or the canonical identity it
 * links to; empty means "no peer" and gives the main key under every scope.
 */
export function directSessionKey(
  agentId: string,
  channel: string,
  accountId: string,
  identity: string,
  dmScope: DmScope,
): string {
  if (dmScope === "main" || identity === "") return `agent:${agentId}:${MAIN_SESSION_KEY}`;
  const id = identity.toLowerCase();
  if (dmScope === "per-peer") return `agent:${agentId}:direct:${id}`;
  const channelPart = channel === "" ? "unknown" : channel;
  if (dmScope === "per-channel-peer") return `agent:${agentId}:${channelPart}:direct:${id}`;
  return `agent:${agentId}:${channelPart}:${accountId}:direct:${id}`;
}

/**
 * The key of a group, channel or unknown-kind peer from already-normalised parts (spec §3.2): the
 * kind is the inbound kind, an empty id becomes `unknown`, Signal/Matrix room ids keep their case.
 */
export function groupSessionKey(agentId: string, channel: string, kind: string, peerId: string): string {
  const channelPart = channel === "" ? "unknown" : channel;
  const id = peerId === "" ? "unknown" : peerIdForKey(channel, kind, peerId);
  return `agent:${agentId}:${channelPart}:${kind}:${id}`;
}

/** What {@link buildAgentSessionKey} needs; plain values as found in config and envelopes. */
export interface BuildAgentSessionKeyParams {
  agentId: string;
  channel: string;
  /** Used by `per-account-channel-peer`; `default` when absent. */
  accountId?: string | null;
  /** No peer (or a peer without a kind) is keyed as a direct message. */
  peer?: { kind?: string | null; id?: string | number | bigint | null } | null;
  dmScope?: DmScope | (string & {}) | null;
  /** `session.identityLinks`: `{ <canonical>: ["<channel>:<peerId>" | "<peerId>", …] }`. */
  identityLinks?: unknown;
}

/**
 * Builds an OpenClaw session key (spec §3): `agent:<agentId>:…`, lowercased except opaque
 * Signal/Matrix room ids. A DM with an empty id falls back to the main key; a group with an empty id
 * is keyed `unknown`. Never throws.
 */
export function buildAgentSessionKey(params: BuildAgentSessionKeyParams): string {
  const agentId = normalizeAgentId(params?.agentId);
  const channel = normalizeChannelId(params?.channel);
  const peer: unknown = params?.peer;
  const hasPeer = typeof peer === "object" && peer !== null && !Array.isArray(peer);
  const kind = hasPeer ? normalizePeerKind((peer as { kind?: unknown }).kind) : "";
  const peerId = hasPeer ? normalizePeerId((peer as { id?: unknown }).id) : "";
  if (kind !== "" && kind !== "direct") return groupSessionKey(agentId, channel, kind, peerId);
  const dmScope = normalizeDmScope(params?.dmScope);
  let identity = peerId;
  if (dmScope !== "main" && identity !== "") {
    identity = findLinkedIdentity(params.identityLinks, channel, identity) ?? identity;
  }
  return directSessionKey(agentId, channel, normalizeAccountId(params?.accountId), identity, dmScope);
}
