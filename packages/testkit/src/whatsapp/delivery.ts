import { type BinaryNode, jidDecode, type proto } from "baileys";
import {
  type DeliveredMessage,
  type DeliveryOptions,
  type DeliveryRouter,
  type FakeContact,
  type FakeGroup,
  newMessageId,
} from "./actors.js";
import type { FakeConnection } from "./connection.js";
import type { FakeDevice } from "./device.js";
import { buildDirectStanza, buildGroupStanza } from "./messages.js";
import type { CompanionBundle, CompanionRecord, FakeAccountRecord } from "./model.js";

/**
 * Delivers the actors' messages to the bot's linked companions: encrypted for each companion, sent
 * at once when it is connected, else queued and flushed (marked offline) at its next login.
 */
export class MessageDelivery implements DeliveryRouter {
  readonly #accounts: Map<string, FakeAccountRecord>;

  constructor(accounts: Map<string, FakeAccountRecord>) {
    this.#accounts = accounts;
  }

  async deliverDirect(
    sender: { device: FakeDevice; name: string },
    accountPhone: string,
    message: proto.IMessage,
    options: DeliveryOptions & { selfChat?: boolean; ownerTo?: string },
  ): Promise<DeliveredMessage> {
    const account = this.#account(accountPhone);
    const id = options.id ?? newMessageId();
    const build = (companionJid: string, offline: boolean) =>
      buildDirectStanza({
        sender: sender.device,
        senderName: sender.name,
        companionJid,
        bundle: this.bundleOf(companionJid),
        message,
        id,
        addressing: options.addressing ?? "pn",
        selfChat: options.selfChat === true,
        ownerTo: options.ownerTo,
        offline,
      });
    await this.#fanOut(account, build, options.deliverTwice === true);
    return { id };
  }

  async deliverGroup(
    group: FakeGroup,
    sender: FakeContact,
    message: proto.IMessage,
    options: DeliveryOptions,
  ): Promise<DeliveredMessage> {
    const id = options.id ?? newMessageId();
    for (const phone of group.accounts) {
      const account = this.#account(phone);
      const build = (companionJid: string, offline: boolean) =>
        buildGroupStanza({
          group,
          sender,
          companionJid,
          bundle: this.bundleOf(companionJid),
          message,
          id,
          offline,
        });
      await this.#fanOut(account, build, options.deliverTwice === true);
    }
    return { id };
  }

  /** Sends what waited for `companion` while it was offline, then the `offline` count marker. */
  async flushPending(
    connection: FakeConnection,
    companion: CompanionRecord,
    companionJid: string,
  ): Promise<void> {
    const pending = companion.pending.splice(0);
    for (const item of pending) connection.send(await item.build(companionJid));
    connection.send({
      tag: "ib",
      attrs: {},
      content: [{ tag: "offline", attrs: { count: String(pending.length) } }],
    });
  }

  /** The key bundle a linked companion uploaded, by its device JID. */
  bundleOf(companionJid: string): CompanionBundle | undefined {
    const decoded = jidDecode(companionJid);
    const account = decoded ? this.#accounts.get(decoded.user) : undefined;
    return account?.companions.get(decoded?.device ?? 0)?.bundle;
  }

  /** Sends to every linked companion: now if connected, else queued for its next login. */
  async #fanOut(
    account: FakeAccountRecord,
    build: (companionJid: string, offline: boolean) => Promise<BinaryNode>,
    twice: boolean,
  ): Promise<void> {
    for (const companion of account.companions.values()) {
      const companionJid = `${account.phone}:${companion.deviceId}@s.whatsapp.net`;
      const times = twice ? 2 : 1;
      for (let i = 0; i < times; i++) {
        const connection = companion.connection;
        if (connection?.open && connection.stage === "authenticated" && companion.bundle) {
          connection.send(await build(companionJid, false));
        } else {
          companion.pending.push({ build: (jid) => build(jid, true) });
        }
      }
    }
  }

  #account(phone: string): FakeAccountRecord {
    const account = this.#accounts.get(phone);
    if (!account) throw new Error(`unknown account ${phone}; call addAccount first`);
    return account;
  }
}
