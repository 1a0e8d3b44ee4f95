import { type AccountHealth, ConfigError, type KeyValueStore, type Logger } from "@patchbay/core";
import { z } from "zod";

const ms = z.number().int().min(0);

/** A 32-byte Curve25519 public key, as bytes or hex. */
const publicKey = z
  .union([
    z.custom<Uint8Array>((value) => value instanceof Uint8Array, "must be bytes"),
    z.string().regex(/^[0-9a-fA-F]{64}$/, "must be 64 hex characters"),
  ])
  .transform((value) => (typeof value === "string" ? Buffer.from(value, "hex") : Buffer.from(value)))
  .refine((key) => key.length === 32, "must be a 32-byte Curve25519 public key");

/**
 * The plain-data options of one WhatsApp account (one number), validated once at construction.
 * Values come resolved from the gateway; nothing here reads the environment.
 */
export const WhatsAppChannelConfig = z.object({
  /** Normalised account id (`default` for an unnamed account). */
  accountId: z.string().min(1),
  /** The account's auth folder, `<stateDir>/credentials/whatsapp/<accountId>/` (created 0700). */
  authDir: z.string().min(1),
  /** WhatsApp Web's WebSocket URL; point it at a fake or a proxy (default: WhatsApp itself). */
  webSocketUrl: z.url({ protocol: /^wss?$/ }).optional(),
  /**
   * The Noise root key the server's certificate chain must be signed by (default: WhatsApp's).
   * Tests install their fake's root here; production never sets it.
   */
  trustedRootKey: publicKey.optional(),
  /** Characters per message; longer replies are split (WhatsApp's practical limit is 4000). */
  textLimit: z.number().int().min(1).max(65_536).default(4000),
  reconnect: z
    .object({
      initialMs: ms.default(1_000),
      maxMs: ms.default(60_000),
      factor: z.number().min(1).default(2),
      /** 0..1, the share of each delay that is randomised. */
      jitter: z.number().min(0).max(1).default(0.5),
    })
    .prefault({}),
  /**
   * How long `start()` waits for the first connection of a linked number before it gives up: it
   * ends the socket and any reconnect timer and rejects with TIMEOUT (naming the last failure), so
   * the gateway's supervisor retries with its own backoff. 0 waits without limit. Not applied while
   * `login` is linking a new number (a QR scan takes as long as the person needs).
   */
  startTimeoutMs: ms.default(60_000),
  /** Baileys' handshake and query timeouts and its keep-alive ping interval. */
  connectTimeoutMs: ms.default(20_000),
  queryTimeoutMs: ms.default(60_000),
  keepAliveIntervalMs: ms.default(25_000),
  /** How long a QR code stays valid before the next is shown (Baileys: 60 s, then 20 s). */
  qrTimeoutMs: ms.optional(),
  /** How long cached group metadata is used before it is fetched again. */
  groupMetadataTtlMs: ms.default(5 * 60_000),
  /** Message ids remembered to drop redeliveries. */
  dedupeWindow: z.number().int().min(1).default(2_000),
});

export type WhatsAppChannelConfig = z.output<typeof WhatsAppChannelConfig>;

/** Login callbacks: the QR flow, or the pairing-code flow when `pairingPhone` is given. */
export interface WhatsAppLoginOptions {
  /** Called with each QR string (draw it in the terminal); refreshed every 20-60 s. */
  onQr?: (qr: string) => void;
  /** Link by phone number instead of QR: digits of the account's number, `+` and spaces allowed. */
  pairingPhone?: string;
  /** Called with the 8-character code to type on the phone (WhatsApp › Linked devices). */
  onPairingCode?: (code: string) => void;
  /** Give up after this long (default 3 minutes). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Everything `createWhatsAppChannel` takes: the config plus injected collaborators. */
export type WhatsAppChannelOptions = z.input<typeof WhatsAppChannelConfig> & {
  logger?: Logger;
  /** Durable state for the dedupe window (default: in memory). */
  state?: KeyValueStore;
  now?: () => number;
  random?: () => number;
  /** Called on every health change (the gateway's supervisor and `/healthz` listen here). */
  onHealthChange?: (health: AccountHealth) => void;
  /**
   * When set, `start()` on an unlinked account runs this login (QR or code) instead of failing with
   * needs-login; handy for a dev playground. The CLI uses `channel.login()` instead.
   */
  login?: WhatsAppLoginOptions;
};

export function parseWhatsAppConfig(options: WhatsAppChannelOptions): WhatsAppChannelConfig {
  const { logger: _l, state: _s, now: _n, random: _r, login: _login, onHealthChange: _h, ...data } = options;
  const result = WhatsAppChannelConfig.safeParse(data);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message })),
      { channel: "whatsapp", accountId: options.accountId },
    );
  }
  return result.data;
}

/** Digits of an E.164 number (`+1 (555) 123-4567` → `15551234567`). */
export function phoneDigits(phone: string): string {
  return phone.replace(/^[a-z]+:/i, "").replace(/[^0-9]/g, "");
}
