import type { AddressInfo } from "node:net";
import { type AuthenticationCreds, type BinaryNode, jidDecode, type proto } from "baileys";
import { WebSocketServer } from "ws";
import { type DeliveredMessage, FakeAccount, FakeContact, FakeGroup, newMessageId } from "./actors.js";
import { type ConnectionHandler, FakeConnection } from "./connection.js";
import { MessageDelivery } from "./delivery.js";
import { FakeDevice } from "./device.js";
import { disconnectStanza, LoginFaults } from "./faults.js";
import { handleIq, type IqContext } from "./iq.js";
import { handleLogin } from "./login.js";
import { readBotMessage } from "./messages.js";
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
export class FakeWhatsAppServer implements ConnectionHandler {
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
  readonly #delivery = new MessageDelivery(this.#accounts);
  readonly #loginFaults = new LoginFaults();
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
    return new FakeAccount(record, this.#delivery);
  }

  /**
   * Adds a WhatsApp user. Every user has a LID today (Baileys 7 will not send to a number without
   * one); it defaults to `8` followed by the phone number without its first digit.
   */
  addContact(phone: string, options: { name?: string; lid?: string } = {}): FakeContact {
    const lid = options.lid ?? `8${phone.slice(1)}`;
    const device = new FakeDevice({ user: phone, lid });
    const contact = new FakeContact(device, options.name ?? `Contact ${phone}`, this.#delivery);
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
      this.#delivery,
    );
    this.#groups.set(jid, group);
    return group;
  }

  /**
   * `contact` posts a status update ("story") seen by the bot numbers `accounts`: WhatsApp sends it
   * from `status@broadcast`, sender-key encrypted like a group message.
   */
  postStatus(contact: FakeContact, text: string, accounts: string[]): Promise<DeliveredMessage> {
    const broadcast = new FakeGroup(
      { jid: "status@broadcast", subject: "status", members: [contact], accounts, addressingMode: "pn" },
      this.#delivery,
    );
    return broadcast.say(contact, text);
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
    if (fault.kind === "logged-out" && connection.deviceId !== undefined) {
      this.#account(phone).companions.delete(connection.deviceId);
    }
    connection.send(disconnectStanza(fault));
    connection.close();
  }

  /**
   * Answers the next `times` logins of `phone` (default: all until `clearLoginFaults`) with
   * `<failure reason=code>` and closes: e.g. 503 for a WhatsApp outage while the bot starts.
   */
  refuseLogins(phone: string, code: number, times?: number): void {
    this.#loginFaults.refuse(phone, code, times);
  }

  clearLoginFaults(phone?: string): void {
    this.#loginFaults.clear(phone);
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

  // ---------------------------------------------------------------- ConnectionHandler

  async onLogin(connection: FakeConnection, payload: proto.ClientPayload): Promise<void> {
    handleLogin(connection, payload, this.#accounts, this.#loginFaults);
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
      flushPending: (companion, jid) => this.#delivery.flushPending(connection, companion, jid),
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
