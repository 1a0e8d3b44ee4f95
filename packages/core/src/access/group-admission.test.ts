import { describe, expect, it } from "vitest";
import { resolveChatGroupAccess } from "./chat-groups.js";
import { resolveDiscordGuildAccess } from "./discord-guilds.js";
import { resolveDmHistoryLimit, resolveGroupHistoryLimit } from "./history-limit.js";
import { resolveSlackChannelAccess } from "./slack-channels.js";

describe("resolveChatGroupAccess", () => {
  const config = {
    groupPolicy: "allowlist",
    groups: {
      "-100": {
        requireMention: false,
        allowFrom: ["7"],
        topics: { "5": { requireMention: true, agentId: "topical" }, "6": { enabled: false } },
      },
      "-200": { enabled: false },
    },
  };

  it("treats the groups map as an allowlist", () => {
    expect(resolveChatGroupAccess({ accountConfig: config, groupId: "-100" })).toMatchObject({
      allowed: true,
      requireMention: false,
      allowFrom: ["7"],
    });
    expect(resolveChatGroupAccess({ accountConfig: config, groupId: "-300" }).allowed).toBe(false);
    expect(resolveChatGroupAccess({ accountConfig: config, groupId: "-200" }).allowed).toBe(false);
    expect(
      resolveChatGroupAccess({ accountConfig: { ...config, groupPolicy: "open" }, groupId: "-300" }).allowed,
    ).toBe(true);
  });

  it("applies topic overrides", () => {
    expect(resolveChatGroupAccess({ accountConfig: config, groupId: -100, topicId: 5 })).toMatchObject({
      allowed: true,
      requireMention: true,
      agentId: "topical",
    });
    expect(resolveChatGroupAccess({ accountConfig: config, groupId: "-100", topicId: "6" }).allowed).toBe(
      false,
    );
  });

  it("uses '*' as default entry and defaults requireMention to true", () => {
    const wildcard = { groups: { "*": { requireMention: false } } };
    expect(resolveChatGroupAccess({ accountConfig: wildcard, groupId: "123@g.us" })).toMatchObject({
      allowed: true,
      requireMention: false,
      allowFrom: undefined,
    });
    expect(resolveChatGroupAccess({ accountConfig: {}, groupId: "g" })).toMatchObject({
      allowed: true,
      requireMention: true,
    });
    expect(resolveChatGroupAccess({ accountConfig: { groupPolicy: "disabled" }, groupId: "g" }).allowed).toBe(
      false,
    );
    expect(() => resolveChatGroupAccess(null as never)).not.toThrow();
  });
});

describe("resolveDiscordGuildAccess", () => {
  const config = {
    guilds: {
      g1: {
        requireMention: false,
        roles: ["r1"],
        channels: {
          c1: { allow: true },
          c2: { allow: false },
          "#help-desk": { requireMention: true, users: ["discord:9"] },
        },
      },
      "*": { requireMention: true },
    },
  };
  const base = { accountConfig: config, guildId: "g1", senderId: "1", memberRoleIds: ["r1"] };

  it("admits listed channels of allowlisted guilds", () => {
    expect(resolveDiscordGuildAccess({ ...base, channelId: "c1" })).toMatchObject({
      allowed: true,
      requireMention: false,
    });
    expect(resolveDiscordGuildAccess({ ...base, channelId: "c2" }).allowed).toBe(false);
    expect(resolveDiscordGuildAccess({ ...base, channelId: "c3" }).reason).toContain(
      "channel not allowlisted",
    );
  });

  it("inherits the parent channel entry for threads and matches slugs", () => {
    expect(resolveDiscordGuildAccess({ ...base, channelId: "t1", parentChannelId: "c1" }).allowed).toBe(true);
    const help = resolveDiscordGuildAccess({
      ...base,
      channelId: "c9",
      channelName: "Help Desk",
      senderId: "9",
      memberRoleIds: [],
    });
    expect(help).toMatchObject({ allowed: true, requireMention: true });
    expect(
      resolveDiscordGuildAccess({
        ...base,
        channelId: "c9",
        channelName: "help-desk",
        senderId: "8",
        memberRoleIds: [],
      }).allowed,
    ).toBe(false);
  });

  it("admits by role OR user", () => {
    expect(resolveDiscordGuildAccess({ ...base, channelId: "c1", memberRoleIds: ["r2"] }).allowed).toBe(
      false,
    );
    expect(resolveDiscordGuildAccess({ ...base, channelId: "c1", memberRoleIds: ["r1"] }).allowed).toBe(true);
  });

  it("falls back to guilds['*'] and honours groupPolicy", () => {
    expect(resolveDiscordGuildAccess({ accountConfig: config, guildId: "g2", channelId: "x" })).toMatchObject(
      {
        allowed: true,
        requireMention: true,
      },
    );
    expect(resolveDiscordGuildAccess({ accountConfig: {}, guildId: "g2", channelId: "x" }).allowed).toBe(
      false,
    );
    expect(
      resolveDiscordGuildAccess({ accountConfig: { groupPolicy: "open" }, guildId: "g2", channelId: "x" })
        .allowed,
    ).toBe(true);
    expect(
      resolveDiscordGuildAccess({
        accountConfig: { ...config, groupPolicy: "disabled" },
        guildId: "g1",
        channelId: "c1",
      }).allowed,
    ).toBe(false);
    expect(() => resolveDiscordGuildAccess(undefined as never)).not.toThrow();
  });
});

describe("resolveSlackChannelAccess", () => {
  const config = {
    channels: { C1: { allow: true, requireMention: false, users: ["U1"] }, C2: { allow: false } },
  };

  it("needs an allowed channel entry under allowlist", () => {
    expect(
      resolveSlackChannelAccess({ accountConfig: config, channelId: "c1", senderId: "u1" }),
    ).toMatchObject({
      allowed: true,
      requireMention: false,
    });
    expect(
      resolveSlackChannelAccess({ accountConfig: config, channelId: "C1", senderId: "U2" }).allowed,
    ).toBe(false);
    expect(resolveSlackChannelAccess({ accountConfig: config, channelId: "C2" }).allowed).toBe(false);
    expect(resolveSlackChannelAccess({ accountConfig: config, channelId: "C3" }).allowed).toBe(false);
    expect(
      resolveSlackChannelAccess({ accountConfig: { groupPolicy: "open" }, channelId: "C3" }),
    ).toMatchObject({
      allowed: true,
      requireMention: true,
      allowBots: false,
    });
  });

  it("looks names up only with dangerouslyAllowNameMatching", () => {
    const named = { channels: { "#general": { allow: true } } };
    expect(
      resolveSlackChannelAccess({ accountConfig: named, channelId: "C9", channelName: "general" }).allowed,
    ).toBe(false);
    expect(
      resolveSlackChannelAccess({
        accountConfig: { ...named, dangerouslyAllowNameMatching: true },
        channelId: "C9",
        channelName: "general",
      }).allowed,
    ).toBe(true);
  });
});

describe("history limits", () => {
  it("resolves group and DM limits", () => {
    expect(resolveGroupHistoryLimit({})).toBe(50);
    expect(resolveGroupHistoryLimit({ cfg: { messages: { groupChat: { historyLimit: 20 } } } })).toBe(20);
    expect(
      resolveGroupHistoryLimit({
        cfg: { messages: { groupChat: { historyLimit: 20 } } },
        accountConfig: { historyLimit: 0 },
      }),
    ).toBe(0);
    expect(resolveGroupHistoryLimit({ accountConfig: { historyLimit: -1 } })).toBe(50);
    expect(
      resolveDmHistoryLimit({
        accountConfig: { dmHistoryLimit: 5, dms: { "42": { historyLimit: 2 } } },
        peerId: 42,
      }),
    ).toBe(2);
    expect(resolveDmHistoryLimit({ accountConfig: { dmHistoryLimit: 5 }, peerId: "1" })).toBe(5);
    expect(resolveDmHistoryLimit({})).toBeUndefined();
  });
});
