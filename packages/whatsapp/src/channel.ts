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
import {
  type AuthStore,
  clearAuthStore,
  identityOf,
  openAuthStore,
  promoteAuthStore,
  relinkStagingDir,
  removeAuthStore,
  type WhatsAppIdentity,
} from "./auth-state.js";
import { isJidGroup, jidDecode, type MessageUpsertType, type WAMessage, type WASocket } from "./client.js";
import {
  parseWhatsAppConfig,
  type WhatsAppChannelConfig,
  type WhatsAppChannelOptions,
  type WhatsAppLoginOptions,
} from "./config.js";
import { abortion, deadline } from "./deadline.js";
import { toSendError } from "./errors.js";
import { GroupMetadataCache } from "./group-cache.js";
import { type InboundContext, type SelfIdentity, toEnvelope } from "./inbound.js";
import { jidForPeer, quotedFor, RecentMessages, renderChunks, sendChunks } from "./outbound.js";
import { type ServerTrust, WHATSAPP_ROOT_PUBLIC_KEY, WHATSAPP_ROOT_SERIAL } from "./server-trust.js";
import { AccountSession } from "./session.js";

const DEFAULT_LOGIN_TIMEOUT_MS = 3 * 60_000;

/**
 * A composing state shows until `paused`, a message, or the recipient's own timeout. The gateway
 * renews typing every 4 s; sending `composing` again sooner than this adds traffic, not display.
 */
const TYPING_REFRESH_MS = 8_000;

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
  /** Chats shown "typing…", with when `composing` was last sent. */
  readonly #typing = new Map<string, number>();
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
    return this.#auth?.linked ? identityOf(this.#auth.state.creds) : undefined;
  }

  /**
   * Connects and resolves at the first open connection. Transient failures before that are retried
   * with backoff (health `connecting`, with the reason) for at most `startTimeoutMs`; then the socket
   * and timers are ended and start() rejects with TIMEOUT, so the caller can retry on its own
   * schedule. An unlinked number rejects with AUTH_FAILED (needs-login) unless `login` is set.
   */
  async start(sink: EnvelopeSink): Promise<void> {
    if (this.#session)
      throw new GatewayError("INTERNAL", "WhatsApp channel already started", this.#context());
    this.#sink = sink;
    this.#dedupe = DedupeWindow.from(
      await this.#state.get<string[]>(this.#dedupeKey()),
      this.#config.dedupeWindow,
    );
    const auth = await this.#openAuth();
    const linking = !auth.linked;
    const session = this.#newSession(auth, linking ? this.#options.login : undefined);
    this.#session = session;
    const timeoutMs = linking ? 0 : this.#config.startTimeoutMs;
    const limit = deadline(
      timeoutMs,
      () =>
        new GatewayError(
          "TIMEOUT",
          `WhatsApp account "${this.accountId}" did not connect within ${timeoutMs} ms (last: ${this.#health.snapshot().reason ?? "no answer"})`,
          this.#context(),
        ),
    );
    try {
      await Promise.race([session.run(), limit.promise]);
    } catch (error) {
      // A failed start leaves nothing running (no socket, no reconnect timer): a retry starts clean.
      this.#session = undefined;
      await session.stop();
      const failure = toGatewayError(error);
      if (failure.code === "TIMEOUT") this.#health.set("stopped", failure.message);
      throw failure;
    } finally {
      limit.cancel();
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
   * An already linked number resolves at once unless `relink` is set: a relink links into a
   * staging folder and replaces the saved credentials only once the new link is saved, so a
   * relink that times out, is aborted or fails leaves the current link as it was.
   */
  async login(options: WhatsAppLoginOptions & { relink?: boolean }): Promise<WhatsAppIdentity> {
    if (this.#session)
      throw new GatewayError("INTERNAL", "stop the channel before linking it again", this.#context());
    if (options.signal?.aborted) throw this.#loginAborted();
    if (!options.relink) {
      const auth = await this.#openAuth();
      const known = this.identity;
      if (auth.linked && known) return known;
      return this.#link(auth, options);
    }
    const staging = relinkStagingDir(this.#config.authDir);
    await clearAuthStore(staging);
    try {
      await this.#link(await openAuthStore(staging), options);
    } catch (error) {
      await removeAuthStore(staging);
      throw error;
    }
    await promoteAuthStore(staging, this.#config.authDir);
    await this.#openAuth();
    const identity = this.identity;
    if (!identity)
      throw new GatewayError("AUTH_FAILED", "WhatsApp relink saved no identity", this.#context());
    return identity;
  }

  /**
   * Sends the reply in chunks of `textLimit`, quoting `replyToId` on the first, and ends a typing
   * indicator in that chat. If a later chunk fails, the thrown error carries `sentIds`: the ids of
   * the chunks that did go out.
   */
  async send(target: OutboundTarget, message: OutboundMessage): Promise<SentMessage> {
    assertAccountAffinity(this, target);
    const sock = this.#liveSocket();
    const jid = jidForPeer(target.peer);
    try {
      if (isJidGroup(jid) === true) await this.#groups.ensure(jid, (j) => sock.groupMetadata(j));
      const chunks = renderChunks(message, this.#config.textLimit);
      const quoted = message.replyToId ? quotedFor(jid, message.replyToId, this.#recent) : undefined;
      const ids = await sendChunks(sock, jid, chunks, quoted, {
        accountId: this.accountId,
        onSent: (id) => this.#sentIds.add(id),
      });
      return { ids };
    } catch (error) {
      const failure = toSendError(error, "sendMessage", { accountId: this.accountId });
      if ("sentIds" in failure)
        this.#logger.warn("WhatsApp reply partly sent", { sentIds: failure.sentIds, error: failure.message });
      throw failure;
    } finally {
      if (this.#typing.delete(jid)) await sock.sendPresenceUpdate("paused", jid).catch(() => {});
    }
  }

  /**
   * Shows "typing…" (composing) in the chat until the next reply there is sent. Cheap to call
   * repeatedly: within 8 s of the last `composing` to a chat, nothing goes over the wire.
   */
  async sendTyping(target: OutboundTarget): Promise<void> {
    assertAccountAffinity(this, target);
    const sock = this.#liveSocket();
    const jid = jidForPeer(target.peer);
    const now = this.#now();
    const last = this.#typing.get(jid);
    if (last !== undefined && now - last < TYPING_REFRESH_MS) return;
    // Recorded before the await: overlapping calls send one `composing`, and a reply that
    // finishes meanwhile still ends it with `paused`.
    this.#typing.set(jid, now);
    try {
      await sock.sendPresenceUpdate("composing", jid);
    } catch (error) {
      if (this.#typing.get(jid) === now) this.#typing.delete(jid);
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

  /** Runs a linking session on `auth` until WhatsApp accepted the link, a timeout, or an abort. */
  async #link(auth: AuthStore, options: WhatsAppLoginOptions): Promise<WhatsAppIdentity> {
    const session = this.#newSession(auth, options);
    const timeoutMs = options.timeoutMs ?? DEFAULT_LOGIN_TIMEOUT_MS;
    const limit = deadline(
      timeoutMs,
      () =>
        new GatewayError("TIMEOUT", `WhatsApp login not completed within ${timeoutMs} ms`, this.#context()),
    );
    const aborted = abortion(options.signal, () => this.#loginAborted());
    try {
      await Promise.race([session.run(), limit.promise, aborted.promise]);
    } catch (error) {
      throw toGatewayError(error);
    } finally {
      limit.cancel();
      aborted.cancel();
      await session.stop();
      await auth.flush();
    }
    const identity = auth.linked ? identityOf(auth.state.creds) : undefined;
    if (!identity)
      throw new GatewayError("AUTH_FAILED", "WhatsApp login finished without an identity", this.#context());
    return identity;
  }

  #loginAborted(): GatewayError {
    return new GatewayError("CONNECTION_FAILED", "WhatsApp login aborted", this.#context());
  }

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
