import type { AddressInfo } from "node:net";
import { type AuthenticationCreds, type BinaryNode, jidDecode, type proto } from "baileys";
import { WebSocketServer } from "ws";
import {
  type DeliveredMessage,
  type DeliveryOptions,
  type DeliveryRouter,
  FakeAccount,
  FakeContact,
  FakeGroup,
  newMessageId,
} from "./actors.js";
import { type ConnectionHandler, FakeConnection } from "./connection.js";
import { FakeDevice } from "./device.js";
import { handleIq, type IqContext } from "./iq.js";
import { handleLogin } from "./login.js";
import { buildDirectStanza, buildGroupStanza, readBotMessage } from "./messages.js";
import type {
  CompanionRecord,
  DisconnectFault,
  FakeAccountRecord,
  PresenceRecord,
  SentRecord,
} from "./model.js";
import { BotOutbox } from "./outbox.js";
import { buildPairSuccess, type PairingCodeExchange, pairOffline, parsePairingQr } from "./pairing.js";
import { createTestPki, type TestPki } from "./pki.js";
import { children, unixNow } from "./stanzas.js";

export interface FakeWhatsAppServerOptions {
  /** The certificate chain to present (default: a fresh test PKI with its own root). */
  pki?: TestPki;
}

/**
 * A fake WhatsApp Web server on 127.0.0.1 that real Baileys cannot tell from WhatsApp: the Noise
 * handshake with a test certificate chain, binary nodes, login and pairing (QR and code), usync,
 * key bundles, groups and LID addressing; contacts and groups send end-to-end encrypted messages
 * through Baileys' own Signal code, and every message the bot sends is decrypted and recorded.
 * No test-framework imports, so the gateway's dev playground can run it too.
 */
export class FakeWhatsAppServer implements ConnectionHandler, DeliveryRouter {
  readonly pki: TestPki;
  /** Every connection ever accepted, in order (closed ones included). */
  readonly connections: FakeConnection[] = [];
  readonly #outbox = new BotOutbox();
  readonly presences: PresenceRecord[] = [];
  /** Errors the fake hit while handling client traffic (a test can assert this stays empty). */
  readonly errors: unknown[] = [];
  /** Group metadata queries per group JID (to check the bot caches metadata). */
  readonly groupQueries = new Map<string, number>();
  readonly #accounts = new Map<string, FakeAccountRecord>();
  readonly #contacts = new Map<string, FakeContact>();
  readonly #lidToPhone = new Map<string, string>();
  readonly #groups = new Map<string, FakeGroup>();
  readonly #codeExchanges = new Map<FakeConnection, { phone: string; exchange: PairingCodeExchange }>();
  #wss: WebSocketServer | undefined;
  #url: string | undefined;
  #groupCounter = 0;

  constructor(options: FakeWhatsAppServerOptions = {}) {
    this.pki = options.pki ?? createTestPki();
  }

  /** The root key a client must trust to accept this server (pass it to the channel's options). */
  get rootPublicKey(): Uint8Array {
    return this.pki.rootPublicKey;
  }

  /** `ws://127.0.0.1:<port>/ws/chat`, once started. */
  get url(): string {
    if (!this.#url) throw new Error("FakeWhatsAppServer not started");
    return this.#url;
  }

  /** Listens on 127.0.0.1 (`port`, default random) and returns the WebSocket URL. */
  async start(port = 0): Promise<string> {
    const wss = new WebSocketServer({ host: "127.0.0.1", port });
    await new Promise<void>((resolve, reject) => {
      wss.once("listening", resolve);
      wss.once("error", reject);
    });
    wss.on("connection", (ws) => {
      this.connections.push(new FakeConnection(ws, this.pki, this));
    });
    this.#wss = wss;
    this.#url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/ws/chat`;
    return this.#url;
  }

  async stop(): Promise<void> {
    const wss = this.#wss;
    if (!wss) return;
    this.#wss = undefined;
    for (const client of wss.clients) client.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  }

  // ---------------------------------------------------------------- actors

  /** Registers a WhatsApp number the bot can link to (the owner's phone is created with it). */
  addAccount(phone: string, options: { lid?: string } = {}): FakeAccount {
    const lid = options.lid ?? `9${phone.slice(1)}`;
    const record: FakeAccountRecord = {
      phone,
      lid,
      primary: new FakeDevice({ user: phone, lid }),
      companions: new Map(),
      nextDeviceId: 2,
    };
    this.#accounts.set(phone, record);
    this.#lidToPhone.set(lid, phone);
    return new FakeAccount(record, this);
  }

  /**
   * Adds a WhatsApp user. Every user has a LID today (Baileys 7 will not send to a number without
   * one); it defaults to `8` followed by the phone number without its first digit.
   */
  addContact(phone: string, options: { name?: string; lid?: string } = {}): FakeContact {
    const lid = options.lid ?? `8${phone.slice(1)}`;
    const device = new FakeDevice({ user: phone, lid });
    const contact = new FakeContact(device, options.name ?? `Contact ${phone}`, this);
    this.#contacts.set(phone, contact);
    this.#lidToPhone.set(lid, phone);
    return contact;
  }

  addGroup(init: {
    subject: string;
    members: FakeContact[];
    accounts: string[];
    jid?: string;
    addressingMode?: "pn" | "lid";
  }): FakeGroup {
    const jid = init.jid ?? `1203630000000${String(++this.#groupCounter).padStart(5, "0")}@g.us`;
    const group = new FakeGroup(
      {
        jid,
        subject: init.subject,
        members: init.members,
        accounts: init.accounts,
        addressingMode: init.addressingMode ?? "pn",
      },
      this,
    );
    this.#groups.set(jid, group);
    return group;
  }

  /**
   * Links a new companion to `phone` without a QR round trip and returns its credentials (what a
   * finished pairing leaves in creds.json). Save them into the channel's auth dir before starting it.
   */
  linkOffline(phone: string): AuthenticationCreds {
    const account = this.#account(phone);
    const deviceId = account.nextDeviceId++;
    const creds = pairOffline(account.primary, deviceId);
    account.companions.set(deviceId, this.#companion(deviceId, Buffer.from(creds.noiseKey.public)));
    return creds;
  }

  /** The owner's phone scans a pairing QR shown by a companion, approving it for `phone`. */
  async scanQr(phone: string, qr: string): Promise<void> {
    const account = this.#account(phone);
    const parsed = parsePairingQr(qr);
    const connection = this.connections.find((c) => c.open && c.pairingRefs.includes(parsed.ref));
    if (!connection) throw new Error(`no pairing connection shows QR ref ${parsed.ref}`);
    const deviceId = account.nextDeviceId++;
    connection.phone = phone;
    connection.deviceId = deviceId;
    connection.send(
      buildPairSuccess({
        primary: account.primary,
        companionIdentity: parsed.identityKey,
        advSecret: parsed.advSecret,
        deviceId,
        id: newMessageId(),
      }),
    );
  }

  /** The owner types the pairing code a companion displayed ("link with phone number"). */
  async enterPairingCode(
    phone: string,
    code: string,
    { timeoutMs = 5_000 }: { timeoutMs?: number } = {},
  ): Promise<void> {
    // The companion shows the code as soon as it sent its hello; give that hello time to arrive.
    const deadline = Date.now() + timeoutMs;
    let entry = this.#findCodeExchange(phone);
    while (!entry && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 5));
      entry = this.#findCodeExchange(phone);
    }
    if (!entry) throw new Error(`no companion asked for a pairing code for ${phone}`);
    const [connection, { exchange }] = entry;
    connection.send(await exchange.enterCode(code.replace(/-/g, "")));
  }

  #findCodeExchange(
    phone: string,
  ): [FakeConnection, { phone: string; exchange: PairingCodeExchange }] | undefined {
    return [...this.#codeExchanges.entries()].find(([c, e]) => c.open && e.phone === phone);
  }

  // ---------------------------------------------------------------- faults and inspection

  /** The live connection of `phone`'s companion (the last linked one unless `deviceId` is given). */
  connectionOf(phone: string, deviceId?: number): FakeConnection | undefined {
    const account = this.#accounts.get(phone);
    if (!account) return undefined;
    const companions = [...account.companions.values()];
    const companion = deviceId === undefined ? companions.at(-1) : account.companions.get(deviceId);
    return companion?.connection?.open ? companion.connection : undefined;
  }

  /** Logins (successful or not) by `phone` so far, to check a client is not in a retry loop. */
  loginAttempts(phone: string): number {
    return this.connections.filter((c) => c.phone === phone).length;
  }

  /**
   * Closes `phone`'s connection the way WhatsApp does for each reason: `logged-out` (the device is
   * unlinked, 401), `replaced` (another session took over, 440), `restart-required` (515), any
   * `stream-error` code (408, 428, 499, 500, 503, …), or `drop` (the TCP connection just dies).
   */
  disconnect(phone: string, fault: DisconnectFault, deviceId?: number): void {
    const connection = this.connectionOf(phone, deviceId);
    if (!connection) throw new Error(`${phone} is not connected`);
    if (fault.kind === "drop") {
      connection.terminate();
      return;
    }
    if (fault.kind === "logged-out") {
      const account = this.#account(phone);
      if (connection.deviceId !== undefined) account.companions.delete(connection.deviceId);
      connection.send({
        tag: "stream:error",
        attrs: { code: "401" },
        content: [{ tag: "conflict", attrs: { type: "device_removed" } }],
      });
    } else if (fault.kind === "replaced") {
      connection.send({
        tag: "stream:error",
        attrs: {},
        content: [{ tag: "conflict", attrs: { type: "replaced" } }],
      });
    } else {
      const code = fault.kind === "restart-required" ? 515 : fault.code;
      connection.send({ tag: "stream:error", attrs: { code: String(code) } });
    }
    connection.close();
  }

  /** Every message the bot sent, decrypted, in order. */
  get sent(): readonly SentRecord[] {
    return this.#outbox.sent;
  }

  /** Resolves with the next message the bot sends that matches (or one already sent since `after`). */
  waitForSent(
    predicate: (record: SentRecord) => boolean = () => true,
    { timeoutMs = 5_000, after = 0 }: { timeoutMs?: number; after?: number } = {},
  ): Promise<SentRecord> {
    return this.#outbox.waitFor(predicate, timeoutMs, after);
  }

  /** Follows what the bot sends (e.g. a dev playground printing replies); returns an unsubscribe. */
  onSent(listener: (record: SentRecord) => void): () => void {
    return this.#outbox.subscribe(listener);
  }

  /** Resolves once `phone` has a logged-in companion connection. */
  async waitForLogin(
    phone: string,
    { timeoutMs = 5_000 }: { timeoutMs?: number } = {},
  ): Promise<FakeConnection> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const connection = this.connectionOf(phone);
      if (connection?.stage === "authenticated") return connection;
      if (Date.now() > deadline) throw new Error(`${phone} did not log in within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  // ---------------------------------------------------------------- delivery (DeliveryRouter)

  async deliverDirect(
    sender: { device: FakeDevice; name: string },
    accountPhone: string,
    message: proto.IMessage,
    options: DeliveryOptions & { selfChat?: boolean },
  ): Promise<DeliveredMessage> {
    const account = this.#account(accountPhone);
    const id = options.id ?? newMessageId();
    const build = (companionJid: string, offline: boolean) =>
      buildDirectStanza({
        sender: sender.device,
        senderName: sender.name,
        companionJid,
        bundle: this.#bundleOf(companionJid),
        message,
        id,
        addressing: options.addressing ?? "pn",
        selfChat: options.selfChat === true,
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
          bundle: this.#bundleOf(companionJid),
          message,
          id,
          offline,
        });
      await this.#fanOut(account, build, options.deliverTwice === true);
    }
    return { id };
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

  // ---------------------------------------------------------------- ConnectionHandler

  async onLogin(connection: FakeConnection, payload: proto.ClientPayload): Promise<void> {
    handleLogin(connection, payload, this.#accounts);
  }

  async onNode(connection: FakeConnection, node: BinaryNode): Promise<void> {
    if (node.tag === "iq") {
      await handleIq(this.#iqContext(connection), node);
      return;
    }
    if (node.tag === "message" && node.attrs.to) {
      await this.#onBotMessage(connection, node);
      return;
    }
    if (node.tag === "chatstate" && node.attrs.to && connection.phone) {
      const state = children(node)[0]?.tag ?? "unknown";
      this.presences.push({ account: connection.phone, to: node.attrs.to, state });
    }
    // receipts, acks and presence need no answer from this fake
  }

  onClose(connection: FakeConnection): void {
    this.#codeExchanges.delete(connection);
  }

  onError(_connection: FakeConnection, error: unknown): void {
    this.errors.push(error);
  }

  // ---------------------------------------------------------------- internals

  #account(phone: string): FakeAccountRecord {
    const account = this.#accounts.get(phone);
    if (!account) throw new Error(`unknown account ${phone}; call addAccount first`);
    return account;
  }

  #companion(deviceId: number, noiseKey: Buffer): CompanionRecord {
    return { deviceId, noiseKey, bundle: undefined, connection: undefined, pending: [] };
  }

  #bundleOf(companionJid: string) {
    const decoded = jidDecode(companionJid);
    const account = decoded ? this.#accounts.get(decoded.user) : undefined;
    return account?.companions.get(decoded?.device ?? 0)?.bundle;
  }

  /** Finds the fake device a JID names (PN or LID form, any device suffix). */
  #deviceFor(jid: string): FakeDevice | undefined {
    const decoded = jidDecode(jid);
    if (!decoded) return undefined;
    const phone = decoded.server === "lid" ? this.#lidToPhone.get(decoded.user) : decoded.user;
    if (!phone) return undefined;
    if ((decoded.device ?? 0) !== 0) return undefined;
    return this.#contacts.get(phone)?.device ?? this.#accounts.get(phone)?.primary;
  }

  #phoneOf(jid: string): string | undefined {
    const decoded = jidDecode(jid);
    if (!decoded) return undefined;
    return decoded.server === "lid" ? this.#lidToPhone.get(decoded.user) : decoded.user;
  }

  async #flushPending(
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

  async #onBotMessage(connection: FakeConnection, node: BinaryNode): Promise<void> {
    const phone = connection.phone;
    const deviceId = connection.deviceId;
    if (!phone || deviceId === undefined) return;
    const botJid = `${phone}:${deviceId}@s.whatsapp.net`;
    const group = node.attrs.to ? this.#groups.get(node.attrs.to) : undefined;
    const result = await readBotMessage({
      node,
      botJid,
      accountPhone: phone,
      deviceFor: (jid) => this.#deviceFor(jid),
      phoneOf: (jid) => this.#phoneOf(jid),
      groupMembers: group?.members.map((m) => m.device) ?? [],
    });
    connection.send({
      tag: "ack",
      attrs: { class: "message", id: node.attrs.id ?? "", from: node.attrs.to ?? "", t: unixNow() },
    });
    if (!result) return;
    this.#outbox.record({ account: phone, deviceId, ...result });
  }

  #iqContext(connection: FakeConnection): IqContext {
    return {
      connection,
      accounts: this.#accounts,
      contacts: this.#contacts,
      groups: this.#groups,
      lidToPhone: this.#lidToPhone,
      groupQueries: this.groupQueries,
      codeExchanges: this.#codeExchanges,
      newCompanion: (deviceId, noiseKey) => this.#companion(deviceId, noiseKey),
      flushPending: (companion, jid) => this.#flushPending(connection, companion, jid),
      pairSuccessFor: (phone, identity, advSecret) => {
        const account = this.#account(phone);
        const deviceId = account.nextDeviceId++;
        connection.phone = phone;
        connection.deviceId = deviceId;
        return buildPairSuccess({
          primary: account.primary,
          companionIdentity: identity,
          advSecret,
          deviceId,
          id: newMessageId(),
        });
      },
    };
  }
}
