import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors.js";
import { resolveChannelAccounts, resolveDefaultAccountId } from "./accounts.js";
import { validateConfig } from "./parse.js";
import type { PatchbayConfig } from "./schema.js";

const load = (value: unknown): PatchbayConfig => validateConfig(value).config;

describe("resolveChannelAccounts: which accounts exist", () => {
  it("makes one implicit default account from a channel without an accounts map", () => {
    const config = load({
      channels: { telegram: { botToken: "123:abc", dmPolicy: "allowlist", allowFrom: [42] } },
    });
    const [account, ...rest] = resolveChannelAccounts(config, "telegram", {});
    expect(rest).toEqual([]);
    expect(account).toMatchObject({
      accountId: "default",
      configKey: undefined,
      path: "channels.telegram",
      enabled: true,
      botToken: "123:abc",
      tokenSource: "config",
      dmPolicy: "allowlist",
      allowFrom: [42],
    });
  });

  it("lists the accounts map with normalised ids, default first, and nothing for an absent channel", () => {
    const config = load({ channels: { discord: { accounts: { "Ops Team": {}, default: {}, alpha: {} } } } });
    const accounts = resolveChannelAccounts(config, "discord", {});
    expect(accounts.map((a) => [a.accountId, a.configKey, a.path])).toEqual([
      ["default", "default", "channels.discord.accounts.default"],
      ["alpha", "alpha", "channels.discord.accounts.alpha"],
      ["ops-team", "Ops Team", 'channels.discord.accounts["Ops Team"]'],
    ]);
    expect(resolveChannelAccounts(config, "slack", {})).toEqual([]);
  });

  it("reports enabled per account and for the whole channel", () => {
    const config = load({ channels: { slack: { accounts: { a: { enabled: false }, b: {} } } } });
    expect(resolveChannelAccounts(config, "slack", {}).map((a) => [a.accountId, a.enabled])).toEqual([
      ["a", false],
      ["b", true],
    ]);
    const off = load({ channels: { slack: { enabled: false, accounts: { b: {} } } } });
    expect(resolveChannelAccounts(off, "slack", {})[0]?.enabled).toBe(false);
  });
});

describe("resolveChannelAccounts: inheritance", () => {
  const config = load({
    channels: {
      defaults: { groupPolicy: "open" },
      telegram: {
        botToken: "top-token",
        allowFrom: ["111"],
        groupAllowFrom: ["222"],
        apiRoot: "http://127.0.0.1:8081",
        historyLimit: 10,
        accounts: {
          default: { allowFrom: ["999"], name: "Main bot" },
          biz: { botToken: "biz-token", historyLimit: 3, groupPolicy: "disabled" },
          side: { apiRoot: "http://127.0.0.1:9999", dmPolicy: "disabled" },
        },
      },
    },
  });
  const env = { TELEGRAM_BOT_TOKEN: "env-token" };
  const byId = Object.fromEntries(
    resolveChannelAccounts(config, "telegram", env).map((a) => [a.accountId, a]),
  );

  it("lets account keys beat channel keys", () => {
    expect(byId.biz?.settings.historyLimit).toBe(3);
    expect(byId.side?.settings.historyLimit).toBe(10);
    expect(byId.side?.dmPolicy).toBe("disabled");
    expect(byId.biz?.groupPolicy).toBe("disabled");
  });

  it("gives named accounts the channel-level allowFrom/groupAllowFrom, never accounts.default.*", () => {
    expect(byId.default?.allowFrom).toEqual(["999"]);
    expect(byId.biz?.allowFrom).toEqual(["111"]);
    expect(byId.biz?.groupAllowFrom).toEqual(["222"]);
    expect(byId.biz?.name).toBeUndefined();
    expect(byId.default?.name).toBe("Main bot");
  });

  it("inherits endpoint keys from the channel level", () => {
    expect(byId.biz?.apiRoot).toBe("http://127.0.0.1:8081");
    expect(byId.side?.apiRoot).toBe("http://127.0.0.1:9999");
  });

  it("keeps channel-level credentials for the default account only", () => {
    expect(byId.default).toMatchObject({ botToken: "top-token", tokenSource: "config" });
    expect(byId.biz).toMatchObject({ botToken: "biz-token", tokenSource: "config" });
    expect(byId.side).toMatchObject({ botToken: undefined, tokenSource: "none" });
    expect(byId.side?.settings.botToken).toBeUndefined();
  });

  it("falls back to channels.defaults.groupPolicy, then allowlist", () => {
    expect(byId.side?.groupPolicy).toBe("open");
    const bare = load({ channels: { whatsapp: {} } });
    expect(resolveChannelAccounts(bare, "whatsapp", {})[0]?.groupPolicy).toBe("allowlist");
  });

  it("honours the legacy dm.policy / dm.allowFrom spelling", () => {
    const legacy = load({
      channels: { discord: { dm: { policy: "allowlist", allowFrom: ["7"] }, accounts: { x: {} } } },
    });
    expect(resolveChannelAccounts(legacy, "discord", {})[0]).toMatchObject({
      dmPolicy: "allowlist",
      allowFrom: ["7"],
    });
  });
});

describe("resolveChannelAccounts: credentials and env fallbacks", () => {
  it("applies env fallbacks to the default account only", () => {
    const config = load({ channels: { discord: { accounts: { default: {}, second: {} } } } });
    const [first, second] = resolveChannelAccounts(config, "discord", { DISCORD_BOT_TOKEN: "env-d" });
    expect(first).toMatchObject({ accountId: "default", token: "env-d", tokenSource: "env" });
    expect(second).toMatchObject({ accountId: "second", token: undefined, tokenSource: "none" });
  });

  it("prefers config over env and resolves SecretRefs from env", () => {
    const config = load({
      channels: {
        slack: {
          botToken: { source: "env", provider: "default", id: "MY_SLACK_BOT" },
          appToken: "xapp-config",
        },
      },
    });
    const [account] = resolveChannelAccounts(config, "slack", {
      MY_SLACK_BOT: "xoxb-ref",
      SLACK_BOT_TOKEN: "xoxb-env",
      SLACK_APP_TOKEN: "xapp-env",
      SLACK_USER_TOKEN: "xoxp-env",
    });
    expect(account).toMatchObject({
      botToken: "xoxb-ref",
      appToken: "xapp-config",
      userToken: "xoxp-env",
      mode: "socket",
    });
  });

  it("throws a ConfigError naming the path and the variable, never a value", () => {
    const config = load({
      channels: {
        telegram: {
          accounts: {
            default: { botToken: { source: "env", id: "TG_DEFAULT" } },
            biz: { botToken: { source: "env", id: "TG_BIZ" } },
          },
        },
      },
    });
    let caught: unknown;
    try {
      resolveChannelAccounts(config, "telegram", {
        TG_DEFAULT: "secret-value-123",
        TELEGRAM_BOT_TOKEN: "other-secret",
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const error = caught as ConfigError;
    expect(error.issues).toEqual([
      { path: "channels.telegram.accounts.biz.botToken", message: expect.stringContaining("TG_BIZ") },
    ]);
    expect(error.message).not.toContain("secret-value-123");
    expect(error.message).not.toContain("other-secret");
  });

  it("does not resolve credentials of disabled accounts", () => {
    const config = load({
      channels: {
        telegram: { accounts: { off: { enabled: false, botToken: { source: "env", id: "NOPE" } } } },
      },
    });
    expect(resolveChannelAccounts(config, "telegram", {})[0]).toMatchObject({
      enabled: false,
      botToken: undefined,
    });
  });

  it("returns a Telegram tokenFile path for the gateway to read", () => {
    const config = load({
      channels: {
        telegram: { tokenFile: "/run/secrets/tg", accounts: { default: {}, b: { tokenFile: "/run/b" } } },
      },
    });
    const [a, b] = resolveChannelAccounts(config, "telegram", { TELEGRAM_BOT_TOKEN: "env" });
    expect(a).toMatchObject({ tokenFile: "/run/secrets/tg", botToken: undefined, tokenSource: "tokenFile" });
    expect(b).toMatchObject({ tokenFile: "/run/b", tokenSource: "tokenFile" });
  });

  it("resolves Telegram webhook settings, the secret as a credential", () => {
    const config = load({
      channels: {
        telegram: {
          botToken: "t",
          webhookUrl: "https://x.example/tg",
          webhookSecret: { source: "env", id: "WH" },
          webhookPath: "/tg",
        },
      },
    });
    expect(resolveChannelAccounts(config, "telegram", { WH: "s3cret" })[0]?.webhook).toEqual({
      url: "https://x.example/tg",
      secret: "s3cret",
      path: "/tg",
      host: undefined,
      port: undefined,
    });
  });

  it("infers the Slack mode: explicit, else appToken → socket, signingSecret alone → http", () => {
    const config = load({
      channels: {
        slack: {
          accounts: {
            default: { botToken: "b", signingSecret: "s" },
            both: { botToken: "b", appToken: "a", signingSecret: "s" },
            forced: { mode: "http", botToken: "b", appToken: "a", signingSecret: "s", webhookPath: "/hook" },
          },
        },
      },
    });
    const modes = resolveChannelAccounts(config, "slack", {}).map((a) => [
      a.accountId,
      a.mode,
      a.webhookPath,
    ]);
    expect(modes).toEqual([
      ["default", "http", "/slack/events"],
      ["both", "socket", undefined],
      ["forced", "http", "/hook"],
    ]);
  });

  it("derives the WhatsApp authDir under the state dir unless configured", () => {
    const config = load({
      channels: {
        whatsapp: {
          authDir: "/top",
          webSocketUrl: "ws://127.0.0.1:8084/ws/chat",
          accounts: { default: {}, biz: {}, own: { authDir: "/mine" } },
        },
      },
    });
    const accounts = resolveChannelAccounts(config, "whatsapp", {}, { stateDir: "/state" });
    expect(accounts.map((a) => [a.accountId, a.authDir, a.webSocketUrl])).toEqual([
      ["default", "/top", "ws://127.0.0.1:8084/ws/chat"],
      ["biz", "/state/credentials/whatsapp/biz", "ws://127.0.0.1:8084/ws/chat"],
      ["own", "/mine", "ws://127.0.0.1:8084/ws/chat"],
    ]);
  });
});

describe("resolveDefaultAccountId", () => {
  it("uses defaultAccount, else default, else the first sorted id", () => {
    expect(
      resolveDefaultAccountId(
        load({ channels: { slack: { defaultAccount: "Zed", accounts: { a: {}, zed: {} } } } }),
        "slack",
      ),
    ).toBe("zed");
    expect(
      resolveDefaultAccountId(load({ channels: { slack: { accounts: { b: {}, default: {} } } } }), "slack"),
    ).toBe("default");
    expect(
      resolveDefaultAccountId(load({ channels: { slack: { accounts: { b: {}, a: {} } } } }), "slack"),
    ).toBe("a");
    expect(resolveDefaultAccountId(load({}), "slack")).toBeUndefined();
  });
});
