/**
 * The only file that imports Baileys. Everything else in the package uses what this file
 * re-exports, so an SDK upgrade is reviewed in one place.
 */
import type { Logger } from "@patchbay/core";
import {
  type AuthenticationCreds,
  type AuthenticationState,
  BufferJSON,
  Curve,
  type GroupMetadata,
  initAuthCreds,
  makeCacheableSignalKeyStore,
  makeWASocket,
  proto,
  type SignalDataTypeMap,
  type SocketConfig,
  type WASocket,
} from "baileys";
import {
  type CertificateCodec,
  type ServerTrust,
  UntrustedServerError,
  verifyServerHello,
} from "./server-trust.js";

export type {
  AuthenticationCreds,
  AuthenticationState,
  ConnectionState,
  GroupMetadata,
  MessageUpsertType,
  SignalDataSet,
  SignalDataTypeMap,
  WAMessage,
  WAMessageKey,
  WASocket,
} from "baileys";
export {
  areJidsSameUser,
  BufferJSON,
  DisconnectReason,
  initAuthCreds,
  isJidBroadcast,
  isJidGroup,
  isJidNewsletter,
  isJidStatusBroadcast,
  isLidUser,
  isPnUser,
  jidDecode,
  jidNormalizedUser,
  NOISE_MODE,
  NOISE_WA_HEADER,
  normalizeMessageContent,
  proto,
} from "baileys";

export type BaileysLogger = SocketConfig["logger"];

/** Baileys log lines that are expected in our configuration and only noise at warn level. */
const EXPECTED_WARNINGS = [/DANGER: DISABLING ALL SYNC/];

function describe(value: unknown): Record<string, unknown> {
  if (value instanceof Error) return { error: value.message };
  if (typeof value !== "object" || value === null) return {};
  const fields: Record<string, unknown> = {};
  for (const key of ["err", "error", "trace"]) {
    const inner = (value as Record<string, unknown>)[key];
    if (inner instanceof Error) fields.error = inner.message;
    else if (typeof inner === "string" && key !== "trace") fields.error = inner;
  }
  return fields;
}

/**
 * Adapts our Logger to the pino-shaped logger Baileys wants. Baileys logs whole stanzas and key
 * material at info/debug/trace; only a message and an error text are passed on, and Baileys'
 * chatter goes to debug. Its warnings and errors keep their level.
 */
export function toBaileysLogger(logger: Logger): BaileysLogger {
  const line =
    (level: "debug" | "warn" | "error") =>
    (obj: unknown, msg?: string): void => {
      const message = typeof obj === "string" ? obj : (msg ?? "baileys");
      const expected = level === "warn" && EXPECTED_WARNINGS.some((pattern) => pattern.test(message));
      logger[expected ? "debug" : level](message, describe(obj));
    };
  const adapter: BaileysLogger = {
    level: "info",
    child: () => adapter,
    trace: () => {},
    debug: () => {},
    info: line("debug"),
    warn: line("warn"),
    error: line("error"),
  };
  return adapter;
}

// ---------------------------------------------------------------- server authentication

const certificateCodec: CertificateCodec = {
  decodeChain(bytes) {
    const chain = proto.CertChain.decode(bytes);
    const pick = (cert: proto.CertChain.INoiseCertificate | null | undefined) =>
      cert?.details && cert.signature ? { details: cert.details, signature: cert.signature } : undefined;
    return { intermediate: pick(chain.intermediate), leaf: pick(chain.leaf) };
  },
  decodeDetails(bytes) {
    const details = proto.CertChain.NoiseCertificate.Details.decode(bytes);
    if (!details.key) throw new Error("certificate without a key");
    return {
      serial: details.serial ?? 0,
      issuerSerial: details.issuerSerial ?? 0,
      key: details.key,
      notBefore: Number(details.notBefore ?? 0),
      notAfter: Number(details.notAfter ?? 0),
    };
  },
};

interface PendingHandshake {
  verify(clientEphemeralPrivate: Uint8Array): void;
}

/** Server hellos waiting for Baileys to start processing them, by server ephemeral key (hex). */
const pendingHandshakes = new Map<string, PendingHandshake>();
let hookInstalled = false;

/**
 * Baileys 7 accepts any well-formed Noise certificate chain (see `server-trust.ts`). The one place
 * where the client's ephemeral private key meets the server hello is the first `Curve.sharedKey`
 * call in `noise-handler.js` `processHandshake`, made with the server's ephemeral key. We wrap
 * `Curve.sharedKey` (Baileys' exported, mutable crypto object) so that, when the public key is a
 * server ephemeral we saw arrive on one of our sockets, the handshake is verified first; throwing
 * there aborts `processHandshake` before the client sends anything identifying. Calls with any
 * other key pass through untouched.
 */
function installHandshakeHook(): void {
  if (hookInstalled) return;
  hookInstalled = true;
  const original = Curve.sharedKey;
  Curve.sharedKey = (privateKey: Uint8Array, publicKey: Uint8Array) => {
    const id = Buffer.from(publicKey).toString("hex");
    const pending = pendingHandshakes.get(id);
    if (pending) {
      pendingHandshakes.delete(id);
      pending.verify(privateKey);
    }
    return original(privateKey, publicKey);
  };
}

interface RawSocket {
  send(data: Uint8Array | string, cb?: (error?: Error) => void): void;
}

/**
 * Makes one Baileys socket refuse any server that fails `verifyServerHello`. Also a backstop: if
 * the hook never ran (a Baileys upgrade moved the handshake), nothing after the client hello is
 * sent and the socket ends with UNTRUSTED_SERVER.
 */
function guardSocket(
  sock: WASocket,
  trust: () => ServerTrust,
  context: { channel: string; accountId: string },
): void {
  let state: "awaiting-hello" | "verifying" | "verified" | "failed" = "awaiting-hello";
  let helloKey: string | undefined;
  const fail = (error: UntrustedServerError) => {
    state = "failed";
    void sock.end(error);
  };
  sock.ws.on("frame", (frame: unknown) => {
    if (state !== "awaiting-hello" || !(frame instanceof Uint8Array)) return;
    let serverHello: proto.HandshakeMessage.IServerHello | null | undefined;
    try {
      serverHello = proto.HandshakeMessage.decode(frame).serverHello;
    } catch {
      serverHello = undefined;
    }
    if (!serverHello?.ephemeral || !serverHello.static || !serverHello.payload) return;
    const hello = {
      ephemeral: serverHello.ephemeral,
      static: serverHello.static,
      payload: serverHello.payload,
    };
    state = "verifying";
    helloKey = Buffer.from(hello.ephemeral).toString("hex");
    pendingHandshakes.set(helloKey, {
      verify: (clientEphemeralPrivate) => {
        try {
          verifyServerHello(hello, clientEphemeralPrivate, trust(), certificateCodec);
          state = "verified";
        } catch (error) {
          state = "failed";
          throw error instanceof UntrustedServerError
            ? new UntrustedServerError(error.message.replace(/^Refusing WhatsApp server: /, ""), context)
            : error;
        }
      },
    });
  });
  sock.ev.on("connection.update", ({ connection }) => {
    if (connection === "close" && helloKey) pendingHandshakes.delete(helloKey);
  });
  // `socket` is the ws WebSocket inside Baileys' WebSocketClient; created synchronously by makeWASocket.
  const raw = (sock.ws as unknown as { socket: RawSocket | null }).socket;
  if (!raw) return;
  const send = raw.send.bind(raw);
  let sends = 0;
  raw.send = (data, cb) => {
    sends += 1;
    if (sends > 1 && state !== "verified") {
      const error = new UntrustedServerError("the server certificate was not verified", context);
      cb?.(error);
      if (state !== "failed") fail(error);
      return;
    }
    send(data, cb);
  };
}

// ---------------------------------------------------------------- socket

export interface SocketParams {
  channel: string;
  accountId: string;
  auth: AuthenticationState;
  logger: Logger;
  webSocketUrl: string | undefined;
  trust: () => ServerTrust;
  connectTimeoutMs: number;
  queryTimeoutMs: number;
  keepAliveIntervalMs: number;
  qrTimeoutMs: number | undefined;
  cachedGroupMetadata(jid: string): Promise<GroupMetadata | undefined>;
  getMessage(key: proto.IMessageKey): Promise<proto.IMessage | undefined>;
}

/** Opens one Baileys socket for one account, with server authentication enforced. */
export function openSocket(params: SocketParams): WASocket {
  installHandshakeHook();
  const logger = toBaileysLogger(params.logger);
  const sock = makeWASocket({
    ...(params.webSocketUrl ? { waWebSocketUrl: params.webSocketUrl } : {}),
    auth: { creds: params.auth.creds, keys: makeCacheableSignalKeyStore(params.auth.keys, logger) },
    logger,
    browser: ["Patchbay", "Chrome", "1.0.0"],
    markOnlineOnConnect: false,
    syncFullHistory: false,
    // The gateway answers new messages only; history sync would also hold events back for up to 20 s.
    shouldSyncHistoryMessage: () => false,
    fireInitQueries: false,
    connectTimeoutMs: params.connectTimeoutMs,
    defaultQueryTimeoutMs: params.queryTimeoutMs,
    keepAliveIntervalMs: params.keepAliveIntervalMs,
    ...(params.qrTimeoutMs ? { qrTimeout: params.qrTimeoutMs } : {}),
    cachedGroupMetadata: params.cachedGroupMetadata,
    getMessage: params.getMessage,
  });
  guardSocket(sock, params.trust, { channel: params.channel, accountId: params.accountId });
  return sock;
}

/** Fresh, unlinked credentials (the start of a QR or pairing-code login). */
export function newCredentials(): AuthenticationCreds {
  return initAuthCreds();
}

/** JSON (de)serialisation with Buffers, the format of Baileys' multi-file auth state. */
export function encodeAuthJson(value: unknown): string {
  return JSON.stringify(value, BufferJSON.replacer);
}

export function decodeAuthJson(text: string): unknown {
  return JSON.parse(text, BufferJSON.reviver);
}

/** `app-state-sync-key` values are protobuf objects; rebuild them after reading JSON. */
export function reviveKey<T extends keyof SignalDataTypeMap>(type: T, value: unknown): SignalDataTypeMap[T] {
  if (type === "app-state-sync-key" && value) {
    const revived: unknown = proto.Message.AppStateSyncKeyData.fromObject(value as Record<string, unknown>);
    return revived as SignalDataTypeMap[T];
  }
  return value as SignalDataTypeMap[T];
}
