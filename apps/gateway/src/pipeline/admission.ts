import {
  decideDmGroupAccess,
  type InboundEnvelope,
  type PairingStore,
  type ResolvedChannelAccount,
  resolveChatGroupAccess,
  resolveDiscordGuildAccess,
  resolveSlackChannelAccess,
} from "@patchbay/core";

export type Admission =
  /** Let it through to routing; `requireMention` applies to groups only. */
  | { verdict: "admit"; requireMention: boolean; agentOverride: string | undefined }
  /** An unknown DM sender under dmPolicy=pairing: `created` means this is a new request (reply once). */
  | { verdict: "pairing"; code: string; created: boolean }
  | { verdict: "drop"; reason: string };

const drop = (reason: string): Admission => ({ verdict: "drop", reason });

/**
 * Who may talk (spec §4): DM policy with the pairing store's approvals for DMs; the channel's group
 * allowlist (groups / guilds / Slack channels) and the group sender list for groups. Bindings never
 * grant access. Pure apart from the pairing store it is handed.
 */
export function decideAdmission(
  envelope: InboundEnvelope,
  account: ResolvedChannelAccount,
  pairing: PairingStore,
): Admission {
  if (envelope.sender.isBot && !allowsBots(envelope, account)) return drop("sender is a bot");
  const scope = { channel: envelope.channel, accountId: envelope.accountId };
  const settings: Record<string, unknown> = {
    ...(account.settings as Record<string, unknown>),
    groupPolicy: account.groupPolicy,
  };
  const dm = settings.dm as { enabled?: boolean; groupEnabled?: boolean } | undefined;

  if (envelope.peer.kind === "direct") {
    if (dm?.enabled === false) return drop("dm.enabled=false");
    // WhatsApp: with no allowlist configured at all, the linked number itself may talk (§4.5).
    if (envelope.sender.isSelf && envelope.channel === "whatsapp" && account.allowFrom.length === 0) {
      return { verdict: "admit", requireMention: false, agentOverride: undefined };
    }
    const decision = decideDmGroupAccess({
      isGroup: false,
      dmPolicy: account.dmPolicy,
      allowFrom: account.allowFrom,
      // Approvals only count under pairing (spec §4.1); skip the store's file read otherwise.
      storeAllowFrom: account.dmPolicy === "pairing" ? pairing.allowFrom(scope) : [],
      senderId: envelope.sender.id,
      channel: envelope.channel,
    });
    if (decision.decision === "allow")
      return { verdict: "admit", requireMention: false, agentOverride: undefined };
    if (decision.decision === "block") return drop(decision.reason);
    const request = pairing.upsertRequest({
      ...scope,
      senderId: envelope.sender.id,
      meta: envelope.sender.name ? { name: envelope.sender.name } : undefined,
    });
    if (request.code === "") return drop(`${decision.reason}; pairing queue full`);
    return { verdict: "pairing", code: request.code, created: request.created };
  }

  switch (envelope.channel) {
    case "discord": {
      if (!envelope.guildId) {
        return dm?.groupEnabled === true
          ? admitGroup(envelope, account, undefined, true)
          : drop("dm.groupEnabled=false (group DM)");
      }
      const access = resolveDiscordGuildAccess({
        accountConfig: settings,
        guildId: envelope.guildId,
        channelId: envelope.peer.id,
        parentChannelId: envelope.parentPeer?.id,
        senderId: envelope.sender.id,
        senderName: envelope.sender.name,
        memberRoleIds: envelope.memberRoleIds,
      });
      return access.allowed
        ? { verdict: "admit", requireMention: access.requireMention, agentOverride: undefined }
        : drop(access.reason);
    }
    case "slack": {
      if (envelope.peer.kind === "group" && dm?.groupEnabled !== true)
        return drop("dm.groupEnabled=false (MPIM)");
      const access = resolveSlackChannelAccess({
        accountConfig: settings,
        channelId: envelope.peer.id,
        senderId: envelope.sender.id,
        senderName: envelope.sender.name,
      });
      return access.allowed
        ? { verdict: "admit", requireMention: access.requireMention, agentOverride: undefined }
        : drop(access.reason);
    }
    default: {
      // Telegram topics carry the group in parentPeer; WhatsApp and plain groups in peer.
      const groupId = envelope.parentPeer?.id ?? envelope.peer.id;
      const access = resolveChatGroupAccess({
        accountConfig: settings,
        groupId,
        topicId: envelope.parentPeer ? envelope.threadId : undefined,
      });
      if (!access.allowed) return drop(access.reason);
      return admitGroup(envelope, account, access, access.requireMention);
    }
  }
}

function admitGroup(
  envelope: InboundEnvelope,
  account: ResolvedChannelAccount,
  access: ReturnType<typeof resolveChatGroupAccess> | undefined,
  requireMention: boolean,
): Admission {
  const decision = decideDmGroupAccess({
    isGroup: true,
    groupPolicy: access?.groupPolicy ?? account.groupPolicy,
    allowFrom: account.allowFrom,
    groupAllowFrom: access?.allowFrom ?? account.groupAllowFrom,
    senderId: envelope.sender.id,
    channel: envelope.channel,
  });
  if (decision.decision !== "allow") return drop(decision.reason);
  return { verdict: "admit", requireMention, agentOverride: access?.agentId };
}

function allowsBots(envelope: InboundEnvelope, account: ResolvedChannelAccount): boolean {
  return (account.settings as { allowBots?: unknown }).allowBots === true && envelope.peer.kind !== "direct";
}
