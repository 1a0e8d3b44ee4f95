import { describe, expect, it } from "vitest";
import { ChannelAuthError, GatewayError, PartialSendError, toGatewayError } from "./errors.js";

describe("errors", () => {
  it("a partial send keeps the failure's code and context and carries the delivered ids", () => {
    const failure = new ChannelAuthError("telegram", "alpha", "token refused");
    const partial = new PartialSendError(["1:2"], 3, failure);
    expect(partial).toBeInstanceOf(GatewayError);
    expect(partial).toMatchObject({
      code: "AUTH_FAILED",
      channel: "telegram",
      accountId: "alpha",
      sentIds: ["1:2"],
    });
    expect(partial.message).toBe("token refused (after 1 of 3 parts were sent)");
    expect(partial.cause).toBe(failure);
    expect(partial.name).toBe("PartialSendError");
  });

  it("turns anything thrown into a GatewayError once", () => {
    const known = new GatewayError("TIMEOUT", "slow");
    expect(toGatewayError(known)).toBe(known);
    expect(toGatewayError(new Error("boom"))).toMatchObject({ code: "INTERNAL", message: "boom" });
    expect(toGatewayError("text")).toMatchObject({ code: "INTERNAL", message: "Non-error thrown: text" });
  });
});
