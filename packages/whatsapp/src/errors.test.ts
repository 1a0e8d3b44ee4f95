import { GatewayError } from "@patchbay/core";
import { describe, expect, it } from "vitest";
import { classifyDisconnect, toSendError } from "./errors.js";

const boom = (statusCode: number) =>
  Object.assign(new Error(`closed ${statusCode}`), { output: { statusCode } });

describe("classifyDisconnect", () => {
  it.each([
    [515, "restart"],
    [401, "logged-out"],
    [403, "logged-out"],
    [411, "logged-out"],
    [440, "replaced"],
    [408, "transient"],
    [428, "transient"],
    [499, "transient"],
    [500, "transient"],
    [503, "transient"],
  ])("%i → %s", (code, kind) => {
    expect(classifyDisconnect(boom(code)).kind).toBe(kind);
  });

  it("treats an untrusted server as final and anything unknown as transient", () => {
    expect(classifyDisconnect(new GatewayError("UNTRUSTED_SERVER", "no")).kind).toBe("untrusted");
    expect(classifyDisconnect(new Error("socket hang up"))).toMatchObject({
      kind: "transient",
      statusCode: undefined,
    });
    expect(classifyDisconnect(undefined).kind).toBe("transient");
  });
});

describe("toSendError", () => {
  it("keeps the method and status of a Baileys error", () => {
    const error = toSendError(boom(500), "sendMessage", { accountId: "a" });
    expect(error).toMatchObject({
      code: "PLATFORM_ERROR",
      method: "sendMessage",
      status: 500,
      accountId: "a",
    });
  });
});
