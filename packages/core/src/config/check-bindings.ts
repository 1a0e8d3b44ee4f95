import { listAccountSections } from "./account-sections.js";
import type { CheckContext } from "./check-agents.js";
import { didYouMean } from "./did-you-mean.js";
import { DEFAULT_ACCOUNT_ID, normalizeConfigAccountId, normalizeConfigAgentId } from "./ids.js";
import { formatPath } from "./issues.js";
import type { Binding } from "./schema-agents.js";

type Tier = "peer" | "wildcard" | "guild+roles" | "guild" | "team" | "account" | "channel";

interface CompiledBinding {
  index: number;
  tier: Tier;
  channel: string;
  /** `*` or a normalised account id. */
  account: string;
  peerKind: string | undefined;
  peerId: string | undefined;
  guildId: string | undefined;
  teamId: string | undefined;
  roles: string[];
}

const KIND_ALIASES: Record<string, string> = { dm: "direct", supergroup: "group" };

/** `group` and `channel` are interchangeable for matching (spec §7.1 #5). */
function matchKind(kind: string): string {
  return kind === "channel" ? "group" : kind;
}

function trimmed(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const text = String(value).trim();
  return text === "" ? undefined : text;
}

/** The tier a binding lives in (spec §2.4), or undefined when it can never match. */
function compile(binding: Binding, index: number): CompiledBinding | undefined {
  if (binding.type === "acp") return undefined;
  const channel = binding.match.channel.trim().toLowerCase();
  if (!channel) return undefined;
  const rawAccount = binding.match.accountId?.trim() ?? "";
  const account = rawAccount === "*" ? "*" : normalizeConfigAccountId(rawAccount);
  const guildId = trimmed(binding.match.guildId);
  const teamId = trimmed(binding.match.teamId);
  const roles = binding.match.roles ?? [];
  let peerKind: string | undefined;
  let peerId: string | undefined;
  if (binding.match.peer) {
    const kind = binding.match.peer.kind.trim().toLowerCase();
    peerKind = KIND_ALIASES[kind] ?? kind;
    peerId = trimmed(binding.match.peer.id);
    if (!peerId) return undefined;
  }
  let tier: Tier;
  if (peerId !== undefined && peerId !== "*") tier = "peer";
  else if (peerId === "*") tier = "wildcard";
  else if (guildId && roles.length > 0) tier = "guild+roles";
  else if (guildId) tier = "guild";
  else if (teamId) tier = "team";
  else if (account !== "*") tier = "account";
  else tier = "channel";
  return { index, tier, channel, account, peerKind, peerId, guildId, teamId, roles };
}

/** True when every inbound message `later` matches is also matched by `earlier`. */
function covers(earlier: CompiledBinding, later: CompiledBinding): boolean {
  if (earlier.tier !== later.tier || earlier.channel !== later.channel) return false;
  if (earlier.account !== "*" && earlier.account !== later.account) return false;
  if (earlier.peerKind !== undefined) {
    if (later.peerKind === undefined || matchKind(earlier.peerKind) !== matchKind(later.peerKind))
      return false;
    if (earlier.peerId !== later.peerId) return false;
  }
  if (earlier.guildId !== undefined && earlier.guildId !== later.guildId) return false;
  if (earlier.teamId !== undefined && earlier.teamId !== later.teamId) return false;
  if (earlier.roles.length > 0) {
    // Roles match on "any in common": earlier covers later iff later's roles are a subset.
    if (later.roles.length === 0 || !later.roles.every((role) => earlier.roles.includes(role))) return false;
  }
  return true;
}

/** Unknown agents (error), bindings that only match `default` on channels without one, shadowing. */
export function checkBindings(ctx: CheckContext): void {
  const bindings = ctx.config.bindings ?? [];
  const list = ctx.config.agents?.list ?? [];
  const knownAgents = list.map((agent) => normalizeConfigAgentId(agent.id));

  bindings.forEach((binding, index) => {
    const agentId = normalizeConfigAgentId(binding.agentId);
    if (knownAgents.length > 0 && !knownAgents.includes(agentId)) {
      const suggestion = didYouMean(agentId, knownAgents);
      ctx.errors.push({
        path: `bindings[${index}].agentId`,
        message:
          `Agent "${binding.agentId}" is not in agents.list (known: ${knownAgents.join(", ")})` +
          (suggestion ? `; did you mean "${suggestion}"?` : ""),
        ...(suggestion ? { didYouMean: suggestion } : {}),
      });
    }
    const channel = binding.match.channel.trim().toLowerCase();
    if ((binding.match.accountId ?? "").trim() === "" && channel) {
      const sections = listAccountSections(ctx.config, channel);
      if (sections.length > 0 && !sections.some((section) => section.accountId === DEFAULT_ACCOUNT_ID)) {
        ctx.warnings.push({
          path: `bindings[${index}].match.accountId`,
          message:
            `Binding without accountId matches only the account named default, and channels.${channel} ` +
            `has none (accounts: ${sections.map((s) => s.accountId).join(", ")}); did you mean accountId: "*"?`,
          didYouMean: "*",
        });
      }
    }
  });

  const compiled = bindings.flatMap((binding, index) => compile(binding, index) ?? []);
  compiled.forEach((later, position) => {
    const earlier = compiled.slice(0, position).find((candidate) => covers(candidate, later));
    if (!earlier) return;
    ctx.warnings.push({
      path: `bindings[${later.index}]`,
      message:
        `Binding can never win: bindings[${earlier.index}] comes earlier in the same tier ` +
        `(${later.tier}) with the same or a broader match`,
    });
  });

  checkBroadcast(ctx, knownAgents);
}

function checkBroadcast(ctx: CheckContext, knownAgents: readonly string[]): void {
  const broadcast = ctx.config.broadcast;
  if (!broadcast || knownAgents.length === 0) return;
  for (const [peerId, ids] of Object.entries(broadcast)) {
    if (peerId === "strategy" || !Array.isArray(ids)) continue;
    ids.forEach((id, index) => {
      const agentId = normalizeConfigAgentId(id);
      if (knownAgents.includes(agentId)) return;
      ctx.warnings.push({
        path: formatPath(["broadcast", peerId, index]),
        message: `Broadcast agent ${agentId} not found in agents.list; it will be skipped`,
      });
    });
  }
}
