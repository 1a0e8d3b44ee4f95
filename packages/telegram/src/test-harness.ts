import {
  createRecordingLogger,
  type InboundEnvelope,
  type KeyValueStore,
  type RecordingLogger,
} from "@patchbay/core";
import { waitFor } from "@patchbay/testkit";
import { type FakeBot, FakeTelegramBotApi, type FakeTelegramOptions } from "@patchbay/testkit/telegram";
import { createTelegramChannel, type TelegramChannel, type TelegramChannelOptions } from "./index.js";

/** Test-only helpers (excluded from the build): a fake, fast options, an inbox for the sink. */

/** Real ms per `retry_after` second in tests, on both the fake and the adapter. */
export const TEST_SECOND_MS = 20;

export async function startFake(options: FakeTelegramOptions = {}): Promise<FakeTelegramBotApi> {
  const fake = new FakeTelegramBotApi({ retryAfterUnitMs: TEST_SECOND_MS, webhookRetryMs: 20, ...options });
  await fake.start();
  return fake;
}

/** Options with every wait shrunk; pacing off unless a test turns it on. */
export function testOptions(
  fake: FakeTelegramBotApi,
  bot: FakeBot,
  overrides: Partial<TelegramChannelOptions> = {},
): TelegramChannelOptions {
  return {
    accountId: "default",
    token: bot.token,
    apiRoot: fake.apiRoot,
    polling: { timeoutSeconds: 5 },
    pacing: { perChatIntervalMs: 0, groupPerMinute: 10_000, globalPerSecond: 10_000 },
    retry: { retryAfterUnitMs: TEST_SECOND_MS },
    backoff: { initialMs: 5, maxMs: 20 },
    ...overrides,
  };
}

/** Collects what the adapter hands to the gateway. */
export class Inbox {
  readonly envelopes: InboundEnvelope[] = [];
  #cursor = 0;
  /** Set to make the sink reject (the gateway could not journal the message). */
  failNext = 0;

  readonly sink = async (envelope: InboundEnvelope): Promise<void> => {
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error("journal unavailable");
    }
    this.envelopes.push(envelope);
  };

  /** The next envelope not returned before. */
  async next(what = "an envelope"): Promise<InboundEnvelope> {
    const envelope = await waitFor(() => this.envelopes[this.#cursor], { what, timeoutMs: 5_000 });
    this.#cursor += 1;
    return envelope;
  }
}

export interface Running {
  channel: TelegramChannel;
  inbox: Inbox;
  logger: RecordingLogger;
}

/** Creates and starts a channel; `cleanup` collects what afterEach must stop. */
export async function startChannel(
  fake: FakeTelegramBotApi,
  bot: FakeBot,
  cleanup: Array<() => Promise<void>>,
  overrides: Partial<TelegramChannelOptions> & { state?: KeyValueStore } = {},
): Promise<Running> {
  const logger = createRecordingLogger();
  const channel = createTelegramChannel(testOptions(fake, bot, { logger, ...overrides }));
  cleanup.push(() => channel.stop());
  const inbox = new Inbox();
  await channel.start(inbox.sink);
  return { channel, inbox, logger };
}

/** Everything a channel could leak through: log lines with their fields, and error text. */
export function leakText(logger: RecordingLogger, ...errors: unknown[]): string {
  const logs = logger.records.map((r) => `${r.message} ${JSON.stringify(r.fields)}`).join("\n");
  const errs = errors.map((e) =>
    e instanceof Error ? `${e.message} ${e.stack ?? ""} ${String(e.cause ?? "")}` : String(e),
  );
  return `${logs}\n${errs.join("\n")}`;
}
