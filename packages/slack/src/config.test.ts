import { ConfigError } from "@patchbay/core";
import { describe, expect, it } from "vitest";
import { resolveSlackConfig } from "./config.js";

describe("resolveSlackConfig", () => {
  it("infers the mode: an app token means Socket Mode, a signing secret alone HTTP", () => {
    expect(resolveSlackConfig({ accountId: "a", botToken: "xoxb-1", appToken: "xapp-1" }).mode).toBe(
      "socket",
    );
    expect(resolveSlackConfig({ accountId: "a", botToken: "xoxb-1", signingSecret: "s" }).mode).toBe("http");
    expect(
      resolveSlackConfig({
        accountId: "a",
        botToken: "xoxb-1",
        appToken: "xapp-1",
        signingSecret: "s",
        mode: "http",
      }).mode,
    ).toBe("http");
  });

  it("fills defaults and normalises the API root", () => {
    const config = resolveSlackConfig({
      accountId: "a",
      botToken: "x",
      appToken: "y",
      apiUrl: "http://127.0.0.1:1/api",
    });
    expect(config).toMatchObject({ apiUrl: "http://127.0.0.1:1/api/", textChunkLimit: 4000, apiRetries: 2 });
    expect(resolveSlackConfig({ accountId: "a", botToken: "x", appToken: "y" }).apiUrl).toBe(
      "https://slack.com/api/",
    );
  });

  it("refuses a mode without its credential, naming the config path", () => {
    expect(() => resolveSlackConfig({ accountId: "w", botToken: "x", mode: "socket" })).toThrow(
      /channels\.slack\.accounts\.w\.appToken/,
    );
    expect(() => resolveSlackConfig({ accountId: "w", botToken: "x" })).toThrow(/signingSecret/);
  });

  it("reports bad values without echoing them", () => {
    const secret = "xoxb-super-secret-value";
    const error = (() => {
      try {
        resolveSlackConfig({ accountId: "w", botToken: secret, appToken: "y", apiUrl: secret });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues.map((i) => i.path)).toEqual(["channels.slack.accounts.w.apiUrl"]);
    expect((error as Error).message).not.toContain(secret);
  });
});
