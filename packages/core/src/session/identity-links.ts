import { normalizePeerId } from "../router/ids.js";

/**
 * `session.identityLinks` compiled for lookups: which canonical name a DM peer maps to. Built once
 * per config; resolving costs at most two map lookups.
 */
export interface IdentityLinkIndex {
  /** The canonical name (trimmed, as configured) for a DM peer, or `undefined` when none lists it. */
  resolve(channel: string, peerId: string): string | undefined;
}

interface LinkTarget {
  canonical: string;
  /** Position of the canonical in object order; the first canonical listing a candidate wins. */
  rank: number;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function linkEntries(raw: unknown): Array<[string, string[]]> {
  const links = asRecord(raw);
  if (links === undefined) return [];
  const out: Array<[string, string[]]> = [];
  for (const [name, list] of Object.entries(links)) {
    const canonical = name.trim();
    if (canonical === "" || !Array.isArray(list)) continue;
    const ids: string[] = [];
    for (const entry of list) {
      const id = normalizePeerId(entry).toLowerCase();
      if (id !== "") ids.push(id);
    }
    out.push([canonical, ids]);
  }
  return out;
}

function candidates(channel: string, peerId: string): string[] {
  const id = peerId.trim();
  if (id === "") return [];
  const channelToken = channel.trim().toLowerCase();
  const list = [id.toLowerCase()];
  if (channelToken !== "") list.push(`${channelToken}:${id}`.toLowerCase());
  return list;
}

/**
 * Finds the canonical identity for a DM peer by walking `identityLinks` in object order (spec §3.1):
 * the first canonical whose list holds `lower(peerId)` or `lower(channel:peerId)` wins. Uncompiled;
 * use {@link compileIdentityLinks} on hot paths.
 */
export function findLinkedIdentity(raw: unknown, channel: string, peerId: string): string | undefined {
  const wanted = candidates(channel, peerId);
  if (wanted.length === 0) return undefined;
  for (const [canonical, ids] of linkEntries(raw)) {
    if (ids.some((id) => wanted.includes(id))) return canonical;
  }
  return undefined;
}

/** Compiles `session.identityLinks`; `undefined` when there is nothing to link. */
export function compileIdentityLinks(raw: unknown): IdentityLinkIndex | undefined {
  const targets = new Map<string, LinkTarget>();
  let rank = 0;
  for (const [canonical, ids] of linkEntries(raw)) {
    for (const id of ids) if (!targets.has(id)) targets.set(id, { canonical, rank });
    rank += 1;
  }
  if (targets.size === 0) return undefined;
  return {
    resolve(channel, peerId) {
      let best: LinkTarget | undefined;
      for (const candidate of candidates(channel, peerId)) {
        const target = targets.get(candidate);
        if (target !== undefined && (best === undefined || target.rank < best.rank)) best = target;
      }
      return best?.canonical;
    },
  };
}
