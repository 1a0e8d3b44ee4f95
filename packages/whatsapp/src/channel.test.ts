import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createHarness, type Harness, recordingSink } from "./test-support.js";

describe("WhatsApp channel against the fake WhatsApp Web server", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it("receives a DM as an envelope and replies as the same number, quoting", async () => {
    h.fake.addAccount("15550001111");
    const alice = h.fake.addContact("15550002222", { name: "Alice", lid: "88880002222" });
    const channel = await h.linkedChannel("15550001111");
    const inbox = recordingSink();
    await channel.start(inbox.sink);
    expect(channel.health().state).toBe("ready");

    const { id } = await alice.say("15550001111", "hello bot");
    const envelope = await inbox.next();
    expect(envelope).toMatchObject({
      id,
      channel: "whatsapp",
      accountId: channel.accountId,
      peer: { kind: "direct", id: "+15550002222" },
      sender: { id: "+15550002222", name: "Alice", isBot: false },
      text: "hello bot",
      mentionsBot: false,
      replyToBot: false,
    });

    const sent = await channel.send(
      { channel: "whatsapp", accountId: channel.accountId, peer: envelope.peer },
      { text: "hi Alice", replyToId: envelope.id },
    );
    const record = await h.fake.waitForSent((r) => r.recipient === "15550002222");
    expect(record).toMatchObject({ account: "15550001111", text: "hi Alice", quotedId: id });
    expect(sent.ids).toEqual([record.id]);
    expect(h.fake.errors).toEqual([]);
  });
});
