import { afterEach, describe, expect, it } from "vitest";
import { type FakeTelegramBotApi } from "@patchbay/testkit/telegram";
import { startChannel, startFake } from "./test-harness.js";

let fake: FakeTelegramBotApi;
const cleanup: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const stop of cleanup.splice(0).reverse()) await stop();
  await fake?.stop();
});

describe("inbound over long polling", () => {
  it("delivers a DM as a direct peer keyed by the sender", async () => {
    fake = await startFake();
    const bot = fake.addBot({ username: "alpha_bot" });
    const { inbox } = await startChannel(fake, bot, cleanup);
    const alice = fake.user({ firstName: "Alice", lastName: "Liddell", username: "alice" });
    const update = fake.userMessage(bot, { from: alice, text: "hello" });
    const envelope = await inbox.next();
    expect(envelope).toMatchObject({
      id: `${alice.id}:${update.message?.message_id}`,
      channel: "telegram",
      accountId: "default",
      peer: { kind: "direct", id: String(alice.id) },
      sender: { id: String(alice.id), name: "Alice Liddell", username: "alice", isBot: false },
      text: "hello",
      mentionsBot: false,
      replyToBot: false,
      attachments: [],
    });
    expect(envelope.parentPeer).toBeUndefined();
    expect(envelope.raw).toEqual(update);
  });
});
