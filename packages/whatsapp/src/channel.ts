import {
  type AccountHealth,
  assertAccountAffinity,
  type ChannelAdapter,
  createMemoryStore,
  DedupeWindow,
  type EnvelopeSink,
  GatewayError,
  HealthTracker,
  type KeyValueStore,
  type Logger,
  type OutboundMessage,
  type OutboundTarget,
  type ProbeResult,
  type SentMessage,
  silentLogger,
  toGatewayError,
} from "@patchbay/core";
import { type AuthStore, clearAuthStore, openAuthStore } from "./auth-state.js";
import { isJidGroup, jidDecode, type MessageUpsertType, type WAMessage, type WASocket } from "./client.js";
import {
  parseWhatsAppConfig,
  type WhatsAppChannelConfig,
  type WhatsAppChannelOptions,
  type WhatsAppLoginOptions,
} from "./config.js";
import { toSendError } from "./errors.js";
import { GroupMetadataCache } from "./group-cache.js";
import { type InboundContext, type SelfIdentity, toEnvelope } from "./inbound.js";
import { jidForPeer, quotedFor, RecentMessages, renderChunks, sendChunks } from "./outbound.js";
import { type ServerTrust, WHATSAPP_ROOT_PUBLIC_KEY, WHATSAPP_ROOT_SERIAL } from "./server-trust.js";
import { AccountSession } from "./session.js";

/** The number a channel is linked to. */
export interface WhatsAppIdentity {
  /** E.164, `+` and digits. */
  phone: string;
  /** The companion device JID (`<digits>:<device>@s.whatsapp.net`). */
  jid: string;
  /** The LID JID, when WhatsApp sent it. */
  lid: string | undefined;
}

const DEFAULT_LOGIN_TIMEOUT_MS = 3 * 60_000;

/**
 * One WhatsApp number (account) on Baileys: a socket of its own with its own auth folder; many can
 * run in one process. Reports facts about inbound messages and sends replies as the same number.
 */
export class WhatsAppChannel implements ChannelAdapter {
  readonly channel = "whatsapp";
  readonly accountId: string;
  readonly #config: WhatsAppChannelConfig;
  readonly #options: WhatsAppChannelOptions;
  readonly #logger: Logger;
  readonly #health: HealthTracker;
  readonly #state: KeyValueStore;
  readonly #now: () => number;
  readonly #recent = new RecentMessages();
  readonly #sentIds = new DedupeWindow(2_000);
  readonly #typing = new Set<string>();
  readonly #groups: GroupMetadataCache;
  #dedupe: DedupeWindow;
  #auth: AuthStore | undefined;
  #session: AccountSession | undefined;
  #sink: EnvelopeSink | undefined;
  #inbound: Promise<void> = Promise.resolve();

  constructor(options: WhatsAppChannelOptions) {
    this.#config = parseWhatsAppConfig(options);
    this.#options = options;
    this.accountId = this.#config.accountId;
    this.#logger = (options.logger ?? silentLogger).child({ channel: "whatsapp", accountId: this.accountId });
    this.#now = options.now ?? Date.now;
    this.#health = new HealthTracker({
      now: this.#now,
      ...(options.onHealthChange ? { onChange: options.onHealthChange } : {}),
    });
    this.#state = options.state ?? createMemoryStore();
    this.#groups = new GroupMetadataCache(this.#config.groupMetadataTtlMs, this.#now);
    this.#dedupe = new DedupeWindow(this.#config.dedupeWindow);
  }

  /** The linked number, once known (after `start()` or `login()`). */
  get identity(): WhatsAppIdentity | undefined {
    if (!this.#auth?.linked) return undefined;
    const me = this.#auth.state.creds.me;
    const user = me?.id ? jidDecode(me.id)?.user : undefined;
    return me?.id && user ? { phone: `+${user}`, jid: me.id, lid: me.lid ?? undefined } : undefined;
  }

  async start(sink: EnvelopeSink): Promise<void> {
    if (this.#session)
      throw new GatewayError("INTERNAL", "WhatsApp channel already started", this.#context());
    this.#sink = sink;
    this.#dedupe = DedupeWindow.from(
      await this.#state.get<string[]>(this.#dedupeKey()),
      this.#config.dedupeWindow,
    );
    const auth = await this.#openAuth();
    const session = this.#newSession(auth, auth.linked ? undefined : this.#options.login);
    this.#session = session;
    try {
      await session.run();
    } catch (error) {
      throw toGatewayError(error);
    }
  }

  async stop(): Promise<void> {
    const session = this.#session;
    this.#session = undefined;
    if (session) await session.stop();
    await this.#inbound;
    await this.#auth?.flush();
    this.#health.set("stopped");
  }

  /**
   * Links this number (the CLI's `channels login`): shows QR codes through `onQr`, or with
   * `pairingPhone` asks for a pairing code (`onPairingCode`), follows the 515 restart, saves the
   * credentials, and resolves once WhatsApp accepted them. The socket is closed afterwards.
   * An already linked number resolves at once unless `relink` is set (which clears the old link).
   */
  async login(options: WhatsAppLoginOptions & { relink?: boolean }): Promise<WhatsAppIdentity> {
    if (this.#session)
      throw new GatewayError("INTERNAL", "stop the channel before linking it again", this.#context());
    if (options.relink) await clearAuthStore(this.#config.authDir);
    const auth = await this.#openAuth();
    const known = this.identity;
    if (auth.linked && known) return known;
    const session = this.#newSession(auth, options);
    const timeoutMs = options.timeoutMs ?? DEFAULT_LOGIN_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    const onAbort = () => void session.stop();
    options.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      await Promise.race([
        session.run(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(
                new GatewayError(
                  "TIMEOUT",
                  `WhatsApp login not completed within ${timeoutMs} ms`,
                  this.#context(),
                ),
              ),
            timeoutMs,
          );
        }),
      ]);
    } catch (error) {
      throw toGatewayError(error);
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      await session.stop();
      await auth.flush();
    }
    const identity = this.identity;
    if (!identity)
      throw new GatewayError("AUTH_FAILED", "WhatsApp login finished without an identity", this.#context());
    return identity;
  }

  async send(target: OutboundTarget, message: OutboundMessage): Promise<SentMessage> {
    assertAccountAffinity(this, target);
    const sock = this.#liveSocket();
    const jid = jidForPeer(target.peer);
    try {
      if (isJidGroup(jid) === true) await this.#groups.ensure(jid, (j) => sock.groupMetadata(j));
      const chunks = renderChunks(message, this.#config.textLimit);
      if (chunks.length === 0) return { ids: [] };
      const quoted = message.replyToId ? quotedFor(jid, message.replyToId, this.#recent) : undefined;
      const ids = await sendChunks(sock, jid, chunks, quoted, (id) => this.#sentIds.add(id));
      if (this.#typing.delete(jid)) await sock.sendPresenceUpdate("paused", jid).catch(() => {});
      return { ids };
    } catch (error) {
      throw toSendError(error, "sendMessage", { accountId: this.accountId });
    }
  }

  /** Shows "typing…" (composing) in the chat until the reply is sent. */
  async sendTyping(target: OutboundTarget): Promise<void> {
    assertAccountAffinity(this, target);
    const sock = this.#liveSocket();
    const jid = jidForPeer(target.peer);
    try {
      await sock.sendPresenceUpdate("composing", jid);
      this.#typing.add(jid);
    } catch (error) {
      throw toSendError(error, "sendPresenceUpdate", { accountId: this.accountId });
    }
  }

  health(): AccountHealth {
    return this.#health.snapshot();
  }

  /** Asks WhatsApp about our own number (a usync round trip). */
  async probe(): Promise<ProbeResult> {
    const identity = this.identity;
    const sock = this.#session?.socket;
    if (!sock || this.#health.state !== "ready" || !identity) {
      return { ok: false, error: this.#health.snapshot().reason ?? `not connected (${this.#health.state})` };
    }
    const started = this.#now();
    try {
      await sock.onWhatsApp(identity.phone.slice(1));
      return { ok: true, identity: identity.phone, latencyMs: this.#now() - started };
    } catch (error) {
      return {
        ok: false,
        identity: identity.phone,
        error: toSendError(error, "usync", { accountId: this.accountId }).message,
      };
    }
  }

  // ---------------------------------------------------------------- internals

  async #openAuth(): Promise<AuthStore> {
    const auth = await openAuthStore(this.#config.authDir);
    this.#auth = auth;
    return auth;
  }

  #newSession(auth: AuthStore, login: WhatsAppLoginOptions | undefined): AccountSession {
    return new AccountSession({
      config: this.#config,
      logger: this.#logger,
      health: this.#health,
      auth,
      trust: () => this.#trust(),
      random: this.#options.random ?? Math.random,
      login,
      hooks: {
        onMessages: (update, sock) => this.#onMessages(update, sock),
        onGroupsChanged: (jids) => {
          for (const jid of jids) this.#groups.invalidate(jid);
        },
        cachedGroupMetadata: async (jid) => this.#groups.get(jid),
        getMessage: async (key) => this.#recent.content(key),
      },
    });
  }

  #trust(): ServerTrust {
    return {
      rootPublicKey: this.#config.trustedRootKey ?? WHATSAPP_ROOT_PUBLIC_KEY,
      rootSerial: WHATSAPP_ROOT_SERIAL,
      nowSeconds: Math.floor(this.#now() / 1000),
    };
  }

  #liveSocket(): WASocket {
    const sock = this.#session?.socket;
    if (!sock || this.#health.state !== "ready") {
      throw new GatewayError(
        "CONNECTION_FAILED",
        `WhatsApp account is ${this.#health.state}, not ready`,
        this.#context(),
      );
    }
    return sock;
  }

  #onMessages(update: { messages: WAMessage[]; type: MessageUpsertType }, sock: WASocket): void {
    // One at a time and in order: each envelope is awaited by the sink before the next.
    this.#inbound = this.#inbound.then(async () => {
      for (const message of update.messages) await this.#handle(message, sock);
    });
  }

  async #handle(message: WAMessage, sock: WASocket): Promise<void> {
    const sink = this.#sink;
    if (!sink) return;
    try {
      this.#recent.remember(message);
      const result = await toEnvelope(message, this.#inboundContext(sock));
      if ("skip" in result) {
        this.#logger.debug("WhatsApp message skipped", { reason: result.skip });
        return;
      }
      const { envelope } = result;
      if (!this.#dedupe.add(envelope.id)) {
        this.#logger.debug("WhatsApp redelivery dropped", { id: envelope.id });
        return;
      }
      await this.#state.set(this.#dedupeKey(), this.#dedupe.toJSON());
      this.#health.markInbound();
      await sink(envelope);
    } catch (error) {
      this.#logger.error("WhatsApp inbound message failed", { error: toGatewayError(error).message });
    }
  }

  #inboundContext(sock: WASocket): InboundContext {
    return {
      accountId: this.accountId,
      self: this.#self(),
      isOwnSend: (id) => this.#sentIds.has(id),
      phoneForLid: async (lid) => (await sock.signalRepository.lidMapping.getPNForLID(lid)) ?? undefined,
    };
  }

  #self(): SelfIdentity {
    const me = this.#auth?.state.creds.me;
    return {
      pnUser: (me?.id ? jidDecode(me.id)?.user : undefined) ?? "",
      lidUser: me?.lid ? jidDecode(me.lid)?.user : undefined,
    };
  }

  #dedupeKey(): string {
    return `whatsapp:${this.accountId}:dedupe`;
  }

  #context(): { channel: string; accountId: string } {
    return { channel: "whatsapp", accountId: this.accountId };
  }
}
