/** Shared setup for the end-to-end tests: the real adapter (discord.js) against FakeDiscord. */
import { createRecordingLogger, type InboundEnvelope, type RecordingLogger } from "@patchbay/core";
import { type DcRole, type DcUser, type FakeBot, FakeDiscord } from "@patchbay/testkit/discord";
import { createDiscordChannel, type DiscordChannel, type DiscordChannelOptions } from "../index.js";

/** A small guild: two bots, two people, a role, a channel with a thread, and a group DM. */
export interface World {
  fake: FakeDiscord;
  alpha: FakeBot;
  beta: FakeBot;
  alice: DcUser;
  bob: DcUser;
  guildId: string;
  mods: DcRole;
  general: string;
  thread: string;
  groupDm: string;
}

export async function startWorld(): Promise<World> {
  const fake = new FakeDiscord({ heartbeatIntervalMs: 250 });
  await fake.start();
  const alpha = fake.addBot({ token: "ALPHA.bot-token.s3cr3t-alpha", username: "alpha" });
  const beta = fake.addBot({ token: "BETA.bot-token.s3cr3t-beta", username: "beta" });
  const alice = fake.addUser({ username: "alice", globalName: "Alice" });
  const bob = fake.addUser({ username: "bob" });
  const guildId = fake.addGuild({ name: "Patchbay", ownerId: alice.id });
  const mods = fake.addRole(guildId, { name: "mods" });
  fake.addMember(guildId, alpha.id);
  fake.addMember(guildId, beta.id);
  fake.addMember(guildId, alice.id, { roles: [mods.id], nick: "Ali" });
  fake.addMember(guildId, bob.id);
  const general = fake.addChannel(guildId, { name: "general" }).id;
  const thread = fake.addThread(general, { name: "support" }).id;
  const groupDm = fake.addGroupDm([alice.id, bob.id, alpha.id], { name: "friends" }).id;
  return { fake, alpha, beta, alice, bob, guildId, mods, general, thread, groupDm };
}

/** Options with short timeouts and backoffs so failures show up in milliseconds, not minutes. */
export function fastOptions(
  fake: FakeDiscord,
  bot: FakeBot,
  overrides: Partial<DiscordChannelOptions> = {},
): DiscordChannelOptions {
  return {
    accountId: bot.user.username,
    token: bot.token,
    restApi: fake.restApi,
    waitGuildTimeoutMs: 1_000,
    startTimeoutMs: 5_000,
    identifyIntervalMs: 0,
    reconnect: { initialMs: 20, maxMs: 200, jitter: 0.5 },
    rest: { timeoutMs: 3_000, retries: 0 },
    ...overrides,
  };
}

/** Collects envelopes and lets a test await the next one that matches. */
export class Inbox {
  readonly envelopes: InboundEnvelope[] = [];
  readonly #consumed = new Set<InboundEnvelope>();
  #waiters: Array<{ match: (e: InboundEnvelope) => boolean; resolve: (e: InboundEnvelope) => void }> = [];

  readonly sink = async (envelope: InboundEnvelope): Promise<void> => {
    this.envelopes.push(envelope);
    const waiter = this.#waiters.find((w) => w.match(envelope));
    if (waiter) {
      this.#waiters = this.#waiters.filter((w) => w !== waiter);
      this.#consumed.add(envelope);
      waiter.resolve(envelope);
    }
  };

  /** The oldest envelope not returned yet whose text matches (any text when omitted). */
  next(text?: string, timeoutMs = 5_000): Promise<InboundEnvelope> {
    const match = (e: InboundEnvelope) => !this.#consumed.has(e) && (text === undefined || e.text === text);
    const pending = this.envelopes.find(match);
    if (pending) {
      this.#consumed.add(pending);
      return Promise.resolve(pending);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no envelope ${text ?? ""} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.#waiters.push({
        match,
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e);
        },
      });
    });
  }
}

/** Starts adapters and remembers them so each test can stop everything it started. */
export class Adapters {
  readonly #started: DiscordChannel[] = [];

  async start(
    options: DiscordChannelOptions,
    inbox = new Inbox(),
  ): Promise<{ adapter: DiscordChannel; inbox: Inbox; logger: RecordingLogger }> {
    const logger = createRecordingLogger();
    const adapter = createDiscordChannel({ logger, ...options });
    this.#started.push(adapter);
    await adapter.start(inbox.sink);
    return { adapter, inbox, logger };
  }

  /** Creates without starting (for tests about start failures). */
  create(options: DiscordChannelOptions): { adapter: DiscordChannel; logger: RecordingLogger } {
    const logger = createRecordingLogger();
    const adapter = createDiscordChannel({ logger, ...options });
    this.#started.push(adapter);
    return { adapter, logger };
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.#started.splice(0).map((a) => a.stop()));
  }
}
