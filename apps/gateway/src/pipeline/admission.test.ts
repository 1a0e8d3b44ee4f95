import {
  createPairingStore,
  type InboundEnvelope,
  type PatchbayConfig,
  type ResolvedChannelAccount,
  resolveChannelAccounts,
  validateConfig,
} from "@patchbay/core";
import { describe, expect, it } from "vitest";
import { decideAdmission } from "./admission.js";

function accountOf(raw: unknown, channel: string, accountId = "default"): ResolvedChannelAccount {
  const { config } = validateConfig(raw);
  const account = (
    resolveChannelAccounts(config as PatchbayConfig, channel, {}) as ResolvedChannelAccount[]
  ).find((a) => a.accountId === accountId);
  if (!account) throw new Error(`no account ${channel}/${accountId}`);
  return account;
}

function envelope(overrides: Partial<InboundEnvelope>): InboundEnvelope {
  return {
    id: "m1",
    channel: "telegram",
    accountId: "default",
    peer: { kind: "direct", id: "42" },
    sender: { id: "42", isBot: false },
    text: "hi",
    mentionsBot: false,
    replyToBot: false,
    attachments: [],
    timestamp: 0,
    raw: null,
    ...overrides,
  };
}

describe("decideAdmission", () => {
  it("answers an unknown DM sender with one pairing request, and only the first time", () => {
    const pairing = createPairingStore();
    const account = accountOf({ channels: { telegram: { botToken: "1:a" } } }, "telegram");
    const first = decideAdmission(envelope({}), account, pairing);
    const again = decideAdmission(envelope({ id: "m2" }), account, pairing);
    expect(first).toMatchObject({ verdict: "pairing", created: true });
    expect(again).toMatchObject({ verdict: "pairing", created: false });
    if (first.verdict === "pairing") pairing.approve({ channel: "telegram", code: first.code });
    expect(decideAdmission(envelope({ id: "m3" }), account, pairing)).toMatchObject({ verdict: "admit" });
  });

  it("lets the linked WhatsApp number talk to itself only while no allowlist is configured", () => {
    const pairing = createPairingStore();
    const self = envelope({
      channel: "whatsapp",
      peer: { kind: "direct", id: "+1555" },
      sender: { id: "+1555", isBot: false, isSelf: true },
    });
    expect(
      decideAdmission(self, accountOf({ channels: { whatsapp: {} } }, "whatsapp"), pairing),
    ).toMatchObject({ verdict: "admit" });
    const listed = accountOf(
      { channels: { whatsapp: { dmPolicy: "allowlist", allowFrom: ["+1999"] } } },
      "whatsapp",
    );
    expect(decideAdmission(self, listed, pairing)).toMatchObject({ verdict: "drop" });
    const stranger = envelope({
      channel: "whatsapp",
      peer: { kind: "direct", id: "+1777" },
      sender: { id: "+1777", isBot: false },
    });
    expect(
      decideAdmission(stranger, accountOf({ channels: { whatsapp: {} } }, "whatsapp"), pairing),
    ).toMatchObject({ verdict: "pairing" });
  });

  it("drops other bots, and a disabled DM channel, with the reason", () => {
    const pairing = createPairingStore();
    const open = accountOf({ channels: { telegram: { dmPolicy: "open", allowFrom: ["*"] } } }, "telegram");
    expect(decideAdmission(envelope({ sender: { id: "7", isBot: true } }), open, pairing)).toEqual({
      verdict: "drop",
      reason: "sender is a bot",
    });
    const discord = accountOf({ channels: { discord: { dm: { enabled: false } } } }, "discord");
    expect(decideAdmission(envelope({ channel: "discord" }), discord, pairing)).toMatchObject({
      verdict: "drop",
      reason: "dm.enabled=false",
    });
  });

  it("keeps Discord group DMs and Slack MPIMs out unless dm.groupEnabled", () => {
    const pairing = createPairingStore();
    const groupDm = envelope({ channel: "discord", peer: { kind: "group", id: "g1" } });
    expect(
      decideAdmission(groupDm, accountOf({ channels: { discord: {} } }, "discord"), pairing),
    ).toMatchObject({ verdict: "drop" });
    const mpim = envelope({ channel: "slack", peer: { kind: "group", id: "G1" } });
    expect(decideAdmission(mpim, accountOf({ channels: { slack: {} } }, "slack"), pairing)).toMatchObject({
      verdict: "drop",
      reason: expect.stringContaining("MPIM"),
    });
  });

  it("admits a Discord guild channel by the guild allowlist, with its requireMention", () => {
    const pairing = createPairingStore();
    const account = accountOf(
      { channels: { discord: { guilds: { g1: { requireMention: false } } } } },
      "discord",
    );
    const inGuild = envelope({ channel: "discord", peer: { kind: "channel", id: "c1" }, guildId: "g1" });
    expect(decideAdmission(inGuild, account, pairing)).toEqual({
      verdict: "admit",
      requireMention: false,
      agentOverride: undefined,
    });
    expect(decideAdmission({ ...inGuild, guildId: "g2" }, account, pairing)).toMatchObject({
      verdict: "drop",
    });
  });

  it("uses the Telegram topic's settings (requireMention, agentId) and the group sender list", () => {
    const pairing = createPairingStore();
    const account = accountOf(
      {
        channels: {
          telegram: {
            groupAllowFrom: ["42"],
            groups: {
              "-100": { requireMention: true, topics: { "7": { requireMention: false, agentId: "topics" } } },
            },
          },
        },
      },
      "telegram",
    );
    const inTopic = envelope({
      peer: { kind: "group", id: "-100:topic:7" },
      parentPeer: { kind: "group", id: "-100" },
      threadId: "7",
    });
    expect(decideAdmission(inTopic, account, pairing)).toEqual({
      verdict: "admit",
      requireMention: false,
      agentOverride: "topics",
    });
    expect(
      decideAdmission({ ...inTopic, sender: { id: "43", isBot: false } }, account, pairing),
    ).toMatchObject({
      verdict: "drop",
      reason: expect.stringContaining("groupPolicy=allowlist"),
    });
    expect(
      decideAdmission(envelope({ peer: { kind: "group", id: "-200" } }), account, pairing),
    ).toMatchObject({ verdict: "drop" });
  });
});
