import { join } from "node:path";
import { FakeWhatsAppServer } from "@patchbay/testkit/whatsapp";
import { writeCredentials } from "@patchbay/whatsapp";
import type { PlaygroundChannel } from "./world.js";

/** The dev config's WhatsApp number and the people who write to it. */
export const DEV_WHATSAPP = {
  accountId: "biz",
  phone: "15550000001",
  contacts: [
    { phone: "15551230001", name: "Ann" },
    { phone: "15551230002", name: "Bob" },
    { phone: "15551230003", name: "Cleo" },
  ],
  groupJid: "120363400000000001@g.us",
} as const;

export interface WhatsAppWorld extends PlaygroundChannel {
  /** The fake's root key, trusted for accounts that point at this fake only. */
  rootPublicKey: Uint8Array;
  url: string;
}

/**
 * A fake WhatsApp with one linked number. The link is made offline (as if the QR had been
 * scanned) the first time, into the account's auth folder, so the playground needs no phone.
 */
export async function startWhatsAppWorld(port: number, stateDir: string): Promise<WhatsAppWorld> {
  const fake = new FakeWhatsAppServer();
  const url = await fake.start(port);
  fake.addAccount(DEV_WHATSAPP.phone);
  const contacts = DEV_WHATSAPP.contacts.map((c) => fake.addContact(c.phone, { name: c.name }));
  const group = fake.addGroup({
    subject: "Family",
    members: contacts,
    accounts: [DEV_WHATSAPP.phone],
    jid: DEV_WHATSAPP.groupJid,
  });
  const authDir = join(stateDir, "credentials", "whatsapp", DEV_WHATSAPP.accountId);
  // The fake keeps no state across runs, so the dev number is linked afresh on every start.
  const creds = fake.linkOffline(DEV_WHATSAPP.phone);
  // A real link learns the profile name from the phone; without one Baileys skips presence (typing).
  if (creds.me) creds.me.name = "Patchbay Dev";
  await writeCredentials(authDir, creds);
  return {
    channel: "whatsapp",
    accounts: [DEV_WHATSAPP.accountId],
    chats: [
      { id: "dm", label: "direct message" },
      { id: "group", label: `group "Family" (${group.jid}; broadcast to two agents)` },
    ],
    users: contacts.map((contact) => ({ id: contact.phone, label: `${contact.name} (+${contact.phone})` })),
    rootPublicKey: fake.rootPublicKey,
    url,
    async send({ chat, user, text }) {
      const contact = contacts.find((c) => c.phone === user);
      if (!contact) throw new Error(`unknown WhatsApp contact ${user}`);
      if (chat === "group") await group.say(contact, text);
      else await contact.say(DEV_WHATSAPP.phone, text);
    },
    stop: () => fake.stop(),
  };
}
