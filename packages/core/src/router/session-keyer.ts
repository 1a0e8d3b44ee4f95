import { compileIdentityLinks } from "../session/identity-links.js";
import { type DmScope, directSessionKey, groupSessionKey, normalizeDmScope } from "../session/key.js";
import { readSession } from "./config-read.js";

/**
 * Builds a route's session key from normalised parts. `peerKind` is `undefined` when the message
 * has no peer; `""` (a peer without a kind) is keyed as a direct message.
 */
export interface SessionKeyer {
  readonly dmScope: DmScope;
  build(
    agentId: string,
    mainSessionKey: string,
    channel: string,
    accountId: string,
    peerKind: string | undefined,
    peerId: string,
  ): string;
}

/** Compiles `cfg.session` (dmScope, identityLinks) into a {@link SessionKeyer}. */
export function createSessionKeyer(cfg: unknown): SessionKeyer {
  const session = readSession(cfg);
  const dmScope = normalizeDmScope(session.dmScope);
  const links = dmScope === "main" ? undefined : compileIdentityLinks(session.identityLinks);
  const build: SessionKeyer["build"] = (agentId, mainSessionKey, channel, accountId, peerKind, peerId) => {
    if (peerKind === undefined) return mainSessionKey;
    if (peerKind === "" || peerKind === "direct") {
      if (dmScope === "main") return mainSessionKey;
      // A present peer with an empty id is keyed `unknown`, unlike "no peer" (spec §3.1).
      const id = peerId === "" ? "unknown" : peerId;
      return directSessionKey(agentId, channel, accountId, links?.resolve(channel, id) ?? id, dmScope);
    }
    return groupSessionKey(agentId, channel, peerKind, peerId);
  };
  return { dmScope, build };
}
