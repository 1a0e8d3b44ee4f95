// Channel definitions for the pipeline benchmark: a stopwatch around any adapter (sink call →
// send call), the real Telegram adapter with its pacing turned off, and an in-memory adapter
// with no platform at all.
import { performance } from "node:perf_hooks";
import {
  type ChannelAdapter,
  type EnvelopeSink,
  HealthTracker,
  type InboundEnvelope,
  type OutboundMessage,
  type OutboundTarget,
  type ResolvedTelegramAccount,
  type SentMessage,
} from "@patchbay/core";
import type { ChannelDefinition } from "@patchbay/gateway";
import { createTelegramChannel } from "@patchbay/telegram";

/** Every benchmark message ends with ` #<n>`; the echo agent's reply keeps it. */
export const tagOf = (text: string): number | undefined => {
  const match = / #(\d+)$/.exec(text);
  return match ? Number(match[1]) : undefined;
};

/**
 * What the gateway adds: from the moment an adapter hands an envelope to the gateway's sink to the
 * moment the gateway calls that adapter's send() with the reply. Platform time (the fake's HTTP,
 * the SDK's parsing, the adapter's pacing and the send itself) is outside the window.
 */
export class Stopwatch {
  readonly #started = new Map<number, number>();
  samples: number[] = [];

  inbound(text: string): void {
    const tag = tagOf(text);
    if (tag !== undefined) this.#started.set(tag, performance.now());
  }

  outbound(text: string): void {
    const tag = tagOf(text);
    const started = tag === undefined ? undefined : this.#started.get(tag);
    if (tag === undefined || started === undefined) return;
    this.samples.push(performance.now() - started);
    this.#started.delete(tag);
  }

  reset(): void {
    this.#started.clear();
    this.samples = [];
  }
}

/** Wraps every adapter `inner` creates so the stopwatch sees its sink calls and its sends. */
export function timed(inner: ChannelDefinition, stopwatch: Stopwatch): ChannelDefinition {
  return {
    create(account, context) {
      const adapter = inner.create(account, context);
      const wrapped: ChannelAdapter = {
        channel: adapter.channel,
        accountId: adapter.accountId,
        start: (sink: EnvelopeSink) =>
          adapter.start((envelope) => {
            stopwatch.inbound(envelope.text);
            return sink(envelope);
          }),
        stop: () => adapter.stop(),
        send: (target, message) => {
          stopwatch.outbound(message.text);
          return adapter.send(target, message);
        },
        health: () => adapter.health(),
        ...(adapter.sendTyping
          ? { sendTyping: (target: OutboundTarget) => adapter.sendTyping?.(target) ?? Promise.resolve() }
          : {}),
        ...(adapter.probe ? { probe: () => adapter.probe?.() ?? Promise.resolve({ ok: false }) } : {}),
      };
      return wrapped;
    },
  };
}

/** The real Telegram adapter (grammy against the fake) with no per-chat, group or global pacing. */
export const unpacedTelegram: ChannelDefinition = {
  create(resolved, context) {
    const account = resolved as ResolvedTelegramAccount;
    return createTelegramChannel({
      accountId: account.accountId,
      token: account.botToken ?? "",
      ...(account.apiRoot ? { apiRoot: account.apiRoot } : {}),
      pacing: { perChatIntervalMs: 0, groupPerMinute: 1_000_000, globalPerSecond: 1_000_000 },
      logger: context.logger,
      state: context.state,
    });
  },
};

/** An adapter with no platform: the benchmark calls its sink directly; send() only records. */
export class MemoryAdapter implements ChannelAdapter {
  readonly channel = "telegram";
  readonly accountId: string;
  readonly #health = new HealthTracker();
  #sink: EnvelopeSink | undefined;
  #nextId = 1;
  onSend: (target: OutboundTarget, message: OutboundMessage) => void = () => {};

  constructor(accountId: string) {
    this.accountId = accountId;
  }

  async start(sink: EnvelopeSink): Promise<void> {
    this.#sink = sink;
    this.#health.set("ready");
  }

  async stop(): Promise<void> {
    this.#sink = undefined;
    this.#health.set("stopped");
  }

  async send(target: OutboundTarget, message: OutboundMessage): Promise<SentMessage> {
    this.onSend(target, message);
    return { ids: [String(this.#nextId++)] };
  }

  health() {
    return this.#health.snapshot();
  }

  /** What the platform side of a real adapter does on an inbound message. */
  deliver(envelope: InboundEnvelope): Promise<void> {
    if (!this.#sink) throw new Error(`memory adapter ${this.accountId} is not started`);
    this.#health.markInbound();
    return this.#sink(envelope);
  }
}

/** A channel definition whose adapters are MemoryAdapters, kept in `adapters` by account id. */
export function memoryTelegram(adapters: Map<string, MemoryAdapter>): ChannelDefinition {
  return {
    create(account) {
      const adapter = new MemoryAdapter(account.accountId);
      adapters.set(account.accountId, adapter);
      return adapter;
    },
  };
}
