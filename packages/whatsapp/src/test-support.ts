import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { InboundEnvelope, Logger } from "@patchbay/core";
import { waitFor } from "@patchbay/testkit";
import { FakeWhatsAppServer } from "@patchbay/testkit/whatsapp";
import { writeCredentials } from "./auth-state.js";
import { WhatsAppChannel } from "./channel.js";
import type { WhatsAppChannelOptions } from "./config.js";

/** Fast timings for tests: short backoff, short timeouts. */
export const FAST = {
  reconnect: { initialMs: 20, maxMs: 100, jitter: 0.5 },
  connectTimeoutMs: 3_000,
  queryTimeoutMs: 3_000,
  keepAliveIntervalMs: 30_000,
} as const;

export interface Harness {
  fake: FakeWhatsAppServer;
  dir: string;
  /** A channel for `phone`, already linked through the fake (no QR round trip). */
  linkedChannel(phone: string, options?: Partial<WhatsAppChannelOptions>): Promise<WhatsAppChannel>;
  channel(accountId: string, options?: Partial<WhatsAppChannelOptions>): WhatsAppChannel;
  authDir(accountId: string): string;
  close(): Promise<void>;
}

export async function createHarness(logger?: Logger): Promise<Harness> {
  const fake = new FakeWhatsAppServer();
  const url = await fake.start();
  const dir = await mkdtemp(join(tmpdir(), "patchbay-wa-"));
  const channels: WhatsAppChannel[] = [];
  const authDir = (accountId: string) => join(dir, "credentials", "whatsapp", accountId);
  const channel = (accountId: string, options: Partial<WhatsAppChannelOptions> = {}) => {
    const created = new WhatsAppChannel({
      accountId,
      authDir: authDir(accountId),
      webSocketUrl: url,
      trustedRootKey: fake.rootPublicKey,
      ...(logger ? { logger } : {}),
      ...FAST,
      ...options,
    });
    channels.push(created);
    return created;
  };
  return {
    fake,
    dir,
    authDir,
    channel,
    async linkedChannel(phone, options = {}) {
      const accountId = options.accountId ?? `acct${phone.slice(-4)}`;
      await writeCredentials(authDir(accountId), fake.linkOffline(phone));
      return channel(accountId, options);
    },
    async close() {
      await Promise.all(channels.map((c) => c.stop()));
      await fake.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A sink that records envelopes. `next()` resolves with the next envelope not yet returned;
 * `next(n)` waits for the n-th envelope overall (1-based).
 */
export function recordingSink(): {
  envelopes: InboundEnvelope[];
  sink: (e: InboundEnvelope) => Promise<void>;
  next(count?: number): Promise<InboundEnvelope>;
} {
  const envelopes: InboundEnvelope[] = [];
  let consumed = 0;
  return {
    envelopes,
    sink: async (envelope) => {
      envelopes.push(envelope);
    },
    async next(count) {
      const index = count === undefined ? consumed : count - 1;
      const envelope = await waitFor(() => envelopes[index], {
        timeoutMs: 5_000,
        what: `envelope #${index + 1}`,
      });
      consumed = index + 1;
      return envelope;
    },
  };
}
