import { createRecordingLogger } from "@patchbay/core";
import { waitFor } from "@patchbay/testkit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createHarness, type Harness, recordingSink } from "./test-support.js";

const BOT = "15550001111";
const target = (accountId: string, kind: "direct" | "group", id: string) => ({
  channel: "whatsapp",
  accountId,
  peer: { kind, id },
});

describe("WhatsApp channel against the fake WhatsApp Web server", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(async () => {
    expect(h.fake.errors).toEqual([]);
    await h.close();
  });

  it("receives a DM as an envelope and replies as the same number, quoting", async () => {
    h.fake.addAccount(BOT);
    const alice = h.fake.addContact("15550002222", { name: "Alice", lid: "88880002222" });
    const channel = await h.linkedChannel(BOT);
    const inbox = recordingSink();
    await channel.start(inbox.sink);
    expect(channel.health().state).toBe("ready");

    const { id } = await alice.say(BOT, "hello bot");
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
      attachments: [],
    });

    const sent = await channel.send(target(channel.accountId, "direct", envelope.peer.id), {
      text: "hi Alice",
      replyToId: envelope.id,
    });
    const record = await h.fake.waitForSent((r) => r.recipient === "15550002222");
    expect(record).toMatchObject({ account: BOT, text: "hi Alice", quotedId: id });
    expect(sent.ids).toEqual([record.id]);

    // Alice quotes the bot's reply: replyToBot, with the quoted text.
    await alice.say(BOT, "about that", {
      quote: { id: record.id, participant: `${BOT}@s.whatsapp.net`, text: "hi Alice" },
    });
    expect(await inbox.next()).toMatchObject({
      replyToBot: true,
      replyTo: { id: record.id, text: "hi Alice", senderId: `+${BOT}` },
    });
  });

  it("gives each of several contacts writing to one number its own peer", async () => {
    h.fake.addAccount(BOT);
    const contacts = ["15550002001", "15550002002", "15550002003"].map((phone, i) =>
      h.fake.addContact(phone, { name: `C${i}`, lid: `8888${phone.slice(4)}` }),
    );
    const channel = await h.linkedChannel(BOT);
    const inbox = recordingSink();
    await channel.start(inbox.sink);
    for (const contact of contacts) await contact.say(BOT, `from ${contact.name}`);
    await inbox.next(3);
    expect(inbox.envelopes.map((e) => [e.peer.id, e.sender.name, e.text])).toEqual([
      ["+15550002001", "C0", "from C0"],
      ["+15550002002", "C1", "from C1"],
      ["+15550002003", "C2", "from C2"],
    ]);
    for (const envelope of inbox.envelopes) {
      await channel.send(target(channel.accountId, "direct", envelope.peer.id), {
        text: `reply to ${envelope.text}`,
      });
    }
    for (const contact of contacts) {
      const reply = await h.fake.waitForSent((r) => r.recipient === contact.phone);
      expect(reply.text).toBe(`reply to from ${contact.name}`);
    }
  });

  it("runs two numbers in one process, each replying as itself", async () => {
    h.fake.addAccount(BOT);
    h.fake.addAccount("15550009999");
    const carol = h.fake.addContact("15550002222", { name: "Carol" });
    const first = await h.linkedChannel(BOT, { accountId: "first" });
    const second = await h.linkedChannel("15550009999", { accountId: "second" });
    const inboxA = recordingSink();
    const inboxB = recordingSink();
    await Promise.all([first.start(inboxA.sink), second.start(inboxB.sink)]);
    await carol.say(BOT, "to first");
    await carol.say("15550009999", "to second");
    expect(await inboxA.next()).toMatchObject({ accountId: "first", text: "to first" });
    expect(await inboxB.next()).toMatchObject({ accountId: "second", text: "to second" });
    expect(inboxA.envelopes).toHaveLength(1);

    await second.send(target("second", "direct", "+15550002222"), { text: "second here" });
    const record = await h.fake.waitForSent((r) => r.text === "second here");
    expect(record.account).toBe("15550009999");
    await expect(first.send(target("second", "direct", "+15550002222"), { text: "x" })).rejects.toMatchObject(
      {
        code: "ACCOUNT_MISMATCH",
      },
    );
    await first.stop();
    expect(second.health().state).toBe("ready");
  });

  it("reports a group message with a mention of the bot, and replies without refetching the group", async () => {
    const account = h.fake.addAccount(BOT);
    const dave = h.fake.addContact("15550002004", { name: "Dave", lid: "88880002004" });
    const erin = h.fake.addContact("15550002005", { name: "Erin" });
    const group = h.fake.addGroup({ subject: "Team", members: [dave, erin], accounts: [BOT] });
    const channel = await h.linkedChannel(BOT);
    const inbox = recordingSink();
    await channel.start(inbox.sink);

    await group.say(erin, "morning all");
    await group.say(dave, "@bot can you help?", { mentions: [account.jid] });
    await group.say(erin, "ping lid", { mentions: [account.lidJid] });
    await group.say(erin, "hey @dave", { mentions: [dave.jid] });
    await inbox.next(4);
    // Baileys decrypts senders in parallel, so order across senders is not guaranteed.
    const seen = inbox.envelopes.map((e) => [e.peer, e.sender.id, e.text, e.mentionsBot]);
    expect(seen).toHaveLength(4);
    expect(seen).toEqual(
      expect.arrayContaining([
        [{ kind: "group", id: group.jid }, "+15550002005", "morning all", false],
        [{ kind: "group", id: group.jid }, "+15550002004", "@bot can you help?", true],
        [{ kind: "group", id: group.jid }, "+15550002005", "ping lid", true],
        [{ kind: "group", id: group.jid }, "+15550002005", "hey @dave", false],
      ]),
    );

    await channel.send(target(channel.accountId, "group", group.jid), { text: "on it" });
    await channel.send(target(channel.accountId, "group", group.jid), { text: "done" });
    const replies = [
      await h.fake.waitForSent((r) => r.text === "on it"),
      await h.fake.waitForSent((r) => r.text === "done"),
    ];
    expect(replies.map((r) => r.group)).toEqual([group.jid, group.jid]);
    expect(h.fake.groupQueries.get(group.jid)).toBe(1);
  });

  it("reports the E.164 sender of a LID-addressed group", async () => {
    const account = h.fake.addAccount(BOT);
    const jay = h.fake.addContact("15550002011", { name: "Jay" });
    const group = h.fake.addGroup({
      subject: "LID group",
      members: [jay],
      accounts: [BOT],
      addressingMode: "lid",
    });
    const channel = await h.linkedChannel(BOT);
    const inbox = recordingSink();
    await channel.start(inbox.sink);
    await group.say(jay, "hi all", { mentions: [account.lidJid] });
    expect(await inbox.next()).toMatchObject({
      peer: { kind: "group", id: group.jid },
      sender: { id: "+15550002011", name: "Jay" },
      mentionsBot: true,
    });
    await channel.send(target(channel.accountId, "group", group.jid), { text: "hello lid group" });
    expect((await h.fake.waitForSent((r) => r.text === "hello lid group")).group).toBe(group.jid);
  });

  it("normalises a LID-addressed DM to the same E.164 peer as a phone-addressed one", async () => {
    h.fake.addAccount(BOT);
    const frank = h.fake.addContact("15550002006", { name: "Frank", lid: "88880002006" });
    const channel = await h.linkedChannel(BOT);
    const inbox = recordingSink();
    await channel.start(inbox.sink);
    await frank.say(BOT, "by phone number");
    await frank.say(BOT, "by lid", { addressing: "lid" });
    await inbox.next(2);
    // Different addressing means different decryption queues in Baileys: find each by its text.
    const byPhone = inbox.envelopes.find((e) => e.text === "by phone number");
    const byLid = inbox.envelopes.find((e) => e.text === "by lid");
    expect(byPhone?.peer).toEqual({ kind: "direct", id: "+15550002006" });
    expect(byLid?.peer).toEqual(byPhone?.peer);
    expect(byLid?.sender.id).toBe("+15550002006");
    expect((byLid?.raw as { key: { remoteJid: string } }).key.remoteJid).toBe("88880002006@lid");

    // A contact whose very first message is LID-addressed (no mapping yet): the PN comes from sender_pn.
    const ivy = h.fake.addContact("15550002010", { name: "Ivy" });
    await ivy.say(BOT, "first, by lid", { addressing: "lid" });
    expect(await inbox.next(3)).toMatchObject({
      peer: { kind: "direct", id: "+15550002010" },
      text: "first, by lid",
    });

    await channel.send(target(channel.accountId, "direct", "+15550002006"), { text: "same chat" });
    expect((await h.fake.waitForSent((r) => r.text === "same chat")).recipient).toBe("15550002006");
  });

  it("treats the owner writing to their own number as self-chat, and never its own replies", async () => {
    const account = h.fake.addAccount(BOT);
    const channel = await h.linkedChannel(BOT);
    const inbox = recordingSink();
    await channel.start(inbox.sink);
    await account.sayToSelf("note to self");
    expect(await inbox.next()).toMatchObject({
      peer: { kind: "direct", id: `+${BOT}` },
      sender: { id: `+${BOT}` },
      text: "note to self",
    });
    await channel.send(target(channel.accountId, "direct", `+${BOT}`), { text: "noted" });
    expect((await h.fake.waitForSent((r) => r.text === "noted")).recipient).toBe(BOT);
    await account.sayToSelf("second note");
    await inbox.next(2);
    expect(inbox.envelopes.map((e) => e.text)).toEqual(["note to self", "second note"]);
  });

  it("ignores status broadcasts (stories) but not the contact's next DM", async () => {
    h.fake.addAccount(BOT);
    const kim = h.fake.addContact("15550002014", { name: "Kim" });
    const logger = createRecordingLogger();
    const channel = await h.linkedChannel(BOT, { logger });
    const inbox = recordingSink();
    await channel.start(inbox.sink);
    await h.fake.postStatus(kim, "my holiday", [BOT]);
    // Reached the adapter (decrypted by Baileys), and went no further.
    const skipped = () => logger.records.some((r) => r.message === "WhatsApp message skipped");
    await waitFor(() => skipped() || inbox.envelopes.length > 0, { what: "the status handled" });
    await kim.say(BOT, "did you see it?");
    await waitFor(() => inbox.envelopes.some((e) => e.text === "did you see it?"), { what: "the DM" });
    expect(inbox.envelopes.map((e) => e.text)).toEqual(["did you see it?"]);
    expect(logger.records.find((r) => r.message === "WhatsApp message skipped")?.fields.reason).toBe(
      "status broadcast",
    );
  });

  it("ignores what the owner types to a contact on the phone (fromMe), while the contact is heard", async () => {
    const account = h.fake.addAccount(BOT);
    const lee = h.fake.addContact("15550002015", { name: "Lee" });
    const logger = createRecordingLogger();
    const channel = await h.linkedChannel(BOT, { logger });
    const inbox = recordingSink();
    await channel.start(inbox.sink);
    await account.sayFromPhone(lee, "I'll answer this one myself");
    const skipped = () => logger.records.some((r) => r.message === "WhatsApp message skipped");
    await waitFor(() => skipped() || inbox.envelopes.length > 0, { what: "the owner's message handled" });
    await lee.say(BOT, "thanks");
    await waitFor(() => inbox.envelopes.some((e) => e.text === "thanks"), { what: "Lee's message" });
    expect(inbox.envelopes.map((e) => [e.peer.id, e.text])).toEqual([["+15550002015", "thanks"]]);
    expect(logger.records.find((r) => r.message === "WhatsApp message skipped")?.fields.reason).toBe(
      "own message",
    );
  });

  it("reports captions and attachment metadata", async () => {
    h.fake.addAccount(BOT);
    const gina = h.fake.addContact("15550002007", { name: "Gina" });
    const channel = await h.linkedChannel(BOT);
    const inbox = recordingSink();
    await channel.start(inbox.sink);
    await gina.send(BOT, {
      imageMessage: {
        caption: "look at this",
        mimetype: "image/jpeg",
        fileLength: 2048,
        url: "https://mmg.example/img",
      },
    });
    await gina.send(BOT, {
      documentMessage: { fileName: "report.pdf", mimetype: "application/pdf", fileLength: 99 },
    });
    await inbox.next(2);
    expect(inbox.envelopes[0]).toMatchObject({
      text: "look at this",
      attachments: [{ kind: "image", mime: "image/jpeg", size: 2048, url: "https://mmg.example/img" }],
    });
    expect(inbox.envelopes[1]).toMatchObject({
      text: "",
      attachments: [{ kind: "document", name: "report.pdf", size: 99 }],
    });
  });

  it("chunks long replies at 4000 characters and shows composing while the agent works", async () => {
    h.fake.addAccount(BOT);
    h.fake.addContact("15550002008", { name: "Hal" });
    const channel = await h.linkedChannel(BOT);
    await channel.start(async () => {});
    const to = target(channel.accountId, "direct", "+15550002008");
    await channel.sendTyping(to);
    const paragraph = `${"word ".repeat(700).trim()}`;
    const text = [paragraph, paragraph, paragraph].join("\n\n");
    const sent = await channel.send(to, { text, format: "markdown" });
    expect(sent.ids.length).toBeGreaterThan(1);
    const records = h.fake.sent.filter((r) => r.recipient === "15550002008");
    await h.fake.waitForSent((r) => r.id === sent.ids.at(-1));
    expect(h.fake.sent.filter((r) => r.recipient === "15550002008").map((r) => r.id)).toEqual(sent.ids);
    for (const record of records) expect(record.text?.length ?? 0).toBeLessThanOrEqual(4000);
    const states = () => h.fake.presences.filter((p) => p.to.startsWith("15550002008")).map((p) => p.state);
    await waitFor(() => states().length === 2, { what: "paused presence" });
    expect(states()).toEqual(["composing", "paused"]);
  });

  it("renews typing cheaply: calls within 8 s send one composing, a later call renews it", async () => {
    h.fake.addAccount(BOT);
    h.fake.addContact("15550002012", { name: "Ike" });
    let offsetMs = 0;
    const channel = await h.linkedChannel(BOT, { now: () => Date.now() + offsetMs });
    await channel.start(async () => {});
    const to = target(channel.accountId, "direct", "+15550002012");
    const states = () => h.fake.presences.filter((p) => p.to.startsWith("15550002012")).map((p) => p.state);
    // The gateway renews every 4 s; renewals inside the window, even overlapping ones, send nothing.
    await Promise.all([channel.sendTyping(to), channel.sendTyping(to)]);
    await channel.sendTyping(to);
    offsetMs = 9_000;
    await channel.sendTyping(to);
    await channel.send(to, { text: "done" });
    await waitFor(() => states().length === 3, { what: "paused presence" });
    expect(states()).toEqual(["composing", "composing", "paused"]);
    // After the reply the chat starts afresh.
    await channel.sendTyping(to);
    await waitFor(() => states().length === 4, { what: "new composing" });
    expect(states().at(-1)).toBe("composing");
  });

  it("probe() asks WhatsApp about the linked number, and says why when not connected", async () => {
    h.fake.addAccount(BOT);
    const channel = await h.linkedChannel(BOT);
    expect(await channel.probe()).toMatchObject({ ok: false, error: expect.stringContaining("connecting") });
    await channel.start(async () => {});
    const usyncBefore = usyncQueries();
    const probe = await channel.probe();
    expect(probe).toMatchObject({ ok: true, identity: `+${BOT}` });
    expect(probe.latencyMs).toBeGreaterThanOrEqual(0);
    expect(usyncQueries()).toBe(usyncBefore + 1);
    await channel.stop();
    expect(await channel.probe()).toMatchObject({ ok: false, error: expect.stringContaining("stopped") });

    function usyncQueries(): number {
      return h.fake.connections
        .flatMap((c) => c.received)
        .filter((node) => node.tag === "iq" && node.attrs.xmlns === "usync").length;
    }
  });
});
