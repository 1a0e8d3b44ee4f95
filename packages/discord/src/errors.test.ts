import { ChannelAuthError, PlatformError, RateLimitError } from "@patchbay/core";
import { describe, expect, it } from "vitest";
import { fatalCloseError, toDiscordError } from "./errors.js";

const context = { accountId: "work", secrets: ["SECRET.TOKEN.value"] };

describe("toDiscordError", () => {
  it("maps discord.js error shapes to Patchbay errors", () => {
    const apiError = Object.assign(new Error("Missing Access"), { status: 403, method: "post", code: 50001 });
    Object.defineProperty(apiError, "name", { value: "DiscordAPIError[50001]" });
    expect(toDiscordError(apiError, context, "send")).toMatchObject({
      code: "PLATFORM_ERROR",
      status: 403,
      method: "POST",
    });
    expect(toDiscordError(apiError, context, "send")).toBeInstanceOf(PlatformError);

    const limited = Object.assign(new Error("limited"), { retryAfter: 1234 });
    Object.defineProperty(limited, "name", { value: "RateLimitError[/channels/:id/messages]" });
    const mapped = toDiscordError(limited, context, "send");
    expect(mapped).toBeInstanceOf(RateLimitError);
    expect((mapped as RateLimitError).retryAfterMs).toBe(1234);

    const invalid = Object.assign(new Error("An invalid token was provided."), { code: "TokenInvalid" });
    expect(toDiscordError(invalid, context, "log in")).toBeInstanceOf(ChannelAuthError);

    const network = Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNREFUSED" } });
    expect(toDiscordError(network, context, "send")).toMatchObject({ code: "CONNECTION_FAILED" });
  });

  it("scrubs the token from messages it passes on", () => {
    const error = toDiscordError(new Error("boom with SECRET.TOKEN.value inside"), context, "send");
    expect(error.message).not.toContain("SECRET.TOKEN.value");
    expect(error.message).toContain("[redacted]");
  });
});

describe("fatalCloseError", () => {
  it("names the account and what to do", () => {
    expect(fatalCloseError(4004, context)).toBeInstanceOf(ChannelAuthError);
    expect(fatalCloseError(4004, context).message).toMatch(/"work".*4004.*token/);
    expect(fatalCloseError(4014, context).message).toMatch(/Message Content Intent/);
    expect(fatalCloseError(4012, context)).toMatchObject({ code: "CONNECTION_FAILED" });
  });
});
