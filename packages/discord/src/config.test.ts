import { ConfigError } from "@patchbay/core";
import { describe, expect, it } from "vitest";
import { createDiscordChannel } from "./index.js";

describe("createDiscordChannel options", () => {
  it("rejects invalid options with ConfigError issues and never echoes the token", () => {
    const token = "MTIz.secret-token-value.xyz";
    let error: unknown;
    try {
      createDiscordChannel({ accountId: "", token, restApi: "not a url", maxLinesPerMessage: 0 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues.map((i) => i.path);
    expect(issues).toEqual(expect.arrayContaining(["accountId", "restApi", "maxLinesPerMessage"]));
    expect(
      JSON.stringify({ message: (error as Error).message, issues: (error as ConfigError).issues }),
    ).not.toContain(token);
  });

  it("rejects unknown keys (a typo must not silently fall back to a default)", () => {
    expect(() =>
      createDiscordChannel({ accountId: "a", token: "t", allowedMentions: { everybody: true } } as never),
    ).toThrow(ConfigError);
  });

  it("builds an adapter for valid options, starting in the connecting state", () => {
    const adapter = createDiscordChannel({ accountId: "default", token: "t" });
    expect(adapter.channel).toBe("discord");
    expect(adapter.accountId).toBe("default");
    expect(adapter.health().state).toBe("connecting");
  });
});
