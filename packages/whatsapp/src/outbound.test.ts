import { PartialSendError } from "@patchbay/core";
import { describe, expect, it } from "vitest";
import type { WASocket } from "./client.js";
import { sendChunks } from "./outbound.js";

/** A socket whose sendMessage succeeds `okCount` times, then fails the way Baileys does offline. */
function flakySocket(okCount: number): Pick<WASocket, "sendMessage"> {
  let calls = 0;
  const sendMessage = async () => {
    calls += 1;
    if (calls > okCount) throw Object.assign(new Error("Connection Closed"), { output: { statusCode: 428 } });
    return { key: { id: `MSG${calls}` } };
  };
  return { sendMessage } as unknown as Pick<WASocket, "sendMessage">;
}

describe("sendChunks", () => {
  it("returns every id in order", async () => {
    const onSent: string[] = [];
    const ids = await sendChunks(flakySocket(3), "1@s.whatsapp.net", ["a", "b", "c"], undefined, {
      accountId: "acct",
      onSent: (id) => onSent.push(id),
    });
    expect(ids).toEqual(["MSG1", "MSG2", "MSG3"]);
    expect(onSent).toEqual(ids);
  });

  it("keeps the ids of the chunks sent before a failure on the error (sentIds)", async () => {
    // The wire fake cannot fail the second of several back-to-back sends deterministically.
    const error = await sendChunks(flakySocket(1), "1@s.whatsapp.net", ["a", "b", "c"], undefined, {
      accountId: "acct",
      onSent: () => {},
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PartialSendError);
    expect(error).toMatchObject({ code: "PLATFORM_ERROR", accountId: "acct", sentIds: ["MSG1"] });
    expect((error as PartialSendError).cause).toMatchObject({ method: "sendMessage", status: 428 });
  });

  it("adds no sentIds when nothing went out", async () => {
    const error = await sendChunks(flakySocket(0), "1@s.whatsapp.net", ["a"], undefined, {
      accountId: "acct",
      onSent: () => {},
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "PLATFORM_ERROR" });
    expect(error).not.toHaveProperty("sentIds");
  });
});
