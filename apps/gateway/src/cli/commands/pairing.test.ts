import { join } from "node:path";
import { createPairingStore, type PairingStore } from "@patchbay/core";
import { FakeTelegramBotApi } from "@patchbay/testkit/telegram";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTempGateway, type TempGateway } from "../../test-support/temp-gateway.js";
import { type CliSandbox, closedUrl, createCliSandbox, runCaptured } from "../cli-test-io.js";

interface ListJson {
  requests: { code: string; channel: string; accountId: string; senderId: string; createdAt: number }[];
}
interface ApproveJson {
  approved: { channel: string; accountId: string; senderId: string };
  notified: boolean;
}

describe("patchbay pairing list / approve", () => {
  let box: CliSandbox;
  let store: PairingStore;
  beforeEach(async () => {
    box = await createCliSandbox();
    store = createPairingStore({ dir: join(box.stateDir, "credentials") });
  });
  afterEach(() => box.dispose());

  const seed = () => ({
    alpha: store.upsertRequest({ channel: "telegram", accountId: "alpha", senderId: "111" }).code,
    plain: store.upsertRequest({ channel: "telegram", senderId: "222" }).code,
    wa: store.upsertRequest({ channel: "whatsapp", senderId: "+15550001" }).code,
  });

  it("says there is nothing pending (no config needed)", async () => {
    const human = await box.run(["pairing", "list"]);
    expect(human.code).toBe(0);
    expect(human.out).toEqual(["no pending pairing requests"]);
    const json = await box.run(["pairing", "list", "--json"]);
    expect(json.json<ListJson>()).toEqual({ requests: [] });
  });

  it("lists pending requests of every channel, of one channel, and of one account", async () => {
    const codes = seed();
    const all = await box.run(["pairing", "list", "--json"]);
    expect(all.code).toBe(0);
    expect(all.json<ListJson>().requests.map((r) => [r.code, r.channel, r.accountId, r.senderId])).toEqual([
      [codes.alpha, "telegram", "alpha", "111"],
      [codes.plain, "telegram", "default", "222"],
      [codes.wa, "whatsapp", "default", "+15550001"],
    ]);
    const telegram = await box.run(["pairing", "list", "Telegram", "--json"]);
    expect(telegram.json<ListJson>().requests.map((r) => r.senderId)).toEqual(["111", "222"]);
    const alpha = await box.run(["pairing", "list", "telegram", "--account", "alpha", "--json"]);
    expect(alpha.json<ListJson>().requests.map((r) => r.code)).toEqual([codes.alpha]);

    const human = await box.run(["pairing", "list", "whatsapp"]);
    expect(human.out).toEqual([
      expect.stringMatching(
        new RegExp(
          `^${codes.wa} {2}whatsapp/default {2}sender \\+15550001 {2}requested \\d{4}-\\d\\d-\\d\\dT`,
        ),
      ),
    ]);
  });

  it("approves a code (any case): the sender moves to the approved list and the code is gone", async () => {
    const codes = seed();
    const run = await box.run(["pairing", "approve", "telegram", codes.alpha.toLowerCase(), "--json"]);
    expect(run.code).toBe(0);
    expect(run.json<ApproveJson>()).toEqual({
      approved: { channel: "telegram", accountId: "alpha", senderId: "111" },
      notified: false,
    });
    expect(store.allowFrom({ channel: "telegram", accountId: "alpha" })).toEqual(["111"]);
    expect(store.list({ channel: "telegram" }).map((r) => r.code)).toEqual([codes.plain]);
    const listed = await box.run(["pairing", "list", "--json"]);
    expect(listed.json<ListJson>().requests.map((r) => r.code)).not.toContain(codes.alpha);

    const human = await box.run(["pairing", "approve", "whatsapp", codes.wa]);
    expect(human.out).toEqual(["approved whatsapp/default sender +15550001"]);
  });

  it("fails with exit 1 and a clear message on an unknown or already-used code", async () => {
    const codes = seed();
    const unknown = await box.run(["pairing", "approve", "telegram", "ZZZZ2222"]);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toEqual([
      "no pending telegram pairing request with code ZZZZ2222 (expired, or already approved?)",
    ]);

    expect((await box.run(["pairing", "approve", "telegram", codes.plain])).code).toBe(0);
    const again = await box.run(["pairing", "approve", "telegram", codes.plain]);
    expect(again.code).toBe(1);
    expect(again.err[0]).toMatch(/^no pending telegram pairing request with code /);

    // A code is only good on its own channel and (when given) its own account.
    expect((await box.run(["pairing", "approve", "whatsapp", codes.alpha])).code).toBe(1);
    expect((await box.run(["pairing", "approve", "telegram", codes.alpha, "--account", "beta"])).code).toBe(
      1,
    );
    expect(store.list({ channel: "telegram", accountId: "alpha" })).toHaveLength(1);
  });

  it("rejects an unknown channel, a missing channel and a missing code with exit 2", async () => {
    const unknownList = await box.run(["pairing", "list", "telegrm"]);
    expect(unknownList.code).toBe(2);
    expect(unknownList.err).toEqual([
      'unknown channel "telegrm" (known: telegram, whatsapp, discord, slack)',
    ]);
    const unknownApprove = await box.run(["pairing", "approve", "telegrm", "ABCD2345"]);
    expect(unknownApprove.code).toBe(2);
    const noChannel = await box.run(["pairing", "approve"]);
    expect(noChannel.code).toBe(2);
    expect(noChannel.err.join("\n")).toMatch(/^a channel is required/);
    const noCode = await box.run(["pairing", "approve", "telegram"]);
    expect(noCode.code).toBe(2);
    expect(noCode.err.join("\n")).toMatch(/^a pairing code is required\nUsage: patchbay pairing approve/);
  });

  it("keeps the approval and says so when --notify finds no gateway", async () => {
    const codes = seed();
    const url = await closedUrl();
    const run = await box.run(["pairing", "approve", "telegram", codes.alpha, "--notify", "--url", url]);
    expect(run.code).toBe(1);
    expect(run.err.join("\n")).toBe(
      `approved telegram/alpha sender 111, but could not notify the sender: no gateway answering at ${url} (start it with \`patchbay gateway\`, or pass --url)`,
    );
    expect(store.allowFrom({ channel: "telegram", accountId: "alpha" })).toEqual(["111"]);
  });
});

describe("patchbay pairing approve --notify (running gateway)", () => {
  let fake: FakeTelegramBotApi;
  let temp: TempGateway;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    fake = new FakeTelegramBotApi({ retryAfterUnitMs: 10 });
    await fake.start();
  });
  afterAll(async () => {
    await temp?.dispose();
    await fake?.stop();
  });

  it("approves and greets the sender through the bot of the account that was asked", async () => {
    const alpha = fake.addBot({ username: "alpha_bot" });
    const beta = fake.addBot({ username: "beta_bot" });
    temp = await startTempGateway({
      channels: {
        telegram: {
          apiRoot: fake.apiRoot,
          accounts: { alpha: { botToken: alpha.token }, beta: { botToken: beta.token } },
        },
      },
    });
    env = { PATCHBAY_STATE_DIR: temp.stateDir, PATCHBAY_CONFIG_PATH: temp.configPath };

    // The real flow: the stranger's DM gets a code from the gateway. (Telegram pacing then holds
    // the greeting, a second message in the same chat, back for about a second.)
    const stranger = fake.user({ firstName: "Sam" });
    fake.userMessage(beta, { from: stranger, text: "hi" });
    const offer = await fake.nextReply(beta);
    const listed = await runCaptured(["pairing", "list", "telegram", "--json"], env);
    const code = listed.json<ListJson>().requests[0]?.code ?? "(none)";
    expect(offer.text).toContain(code);
    const pairing = createPairingStore({ dir: join(temp.stateDir, "credentials") });

    const run = await runCaptured(
      ["pairing", "approve", "telegram", code, "--notify", "--url", temp.gateway.url, "--json"],
      env,
    );
    expect(run.err).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.json<ApproveJson>()).toEqual({
      approved: { channel: "telegram", accountId: "beta", senderId: String(stranger.id) },
      notified: true,
    });
    const greeting = await fake.nextReply(beta);
    expect(greeting).toMatchObject({ token: beta.token, chatId: stranger.id });
    expect(greeting.text).toMatch(/approved/i);
    expect(fake.sentBy(alpha)).toEqual([]);
    expect(pairing.allowFrom({ channel: "telegram", accountId: "beta" })).toEqual([String(stranger.id)]);
    expect(pairing.list({ channel: "telegram" })).toEqual([]);
  });

  it("needs the gateway's admin token (read from the state dir) to notify", async () => {
    const elsewhere = await createCliSandbox();
    try {
      const code = createPairingStore({ dir: join(elsewhere.stateDir, "credentials") }).upsertRequest({
        channel: "telegram",
        accountId: "beta",
        senderId: "999",
      }).code;
      const run = await elsewhere.run([
        "pairing",
        "approve",
        "telegram",
        code,
        "--notify",
        "--url",
        temp.gateway.url,
      ]);
      expect(run.code).toBe(1);
      expect(run.err).toEqual([
        "approved telegram/beta sender 999, but could not notify the sender: admin token required",
      ]);
    } finally {
      await elsewhere.dispose();
    }
  });

  it("reports an account the gateway does not run", async () => {
    const code = createPairingStore({ dir: join(temp.stateDir, "credentials") }).upsertRequest({
      channel: "telegram",
      accountId: "gamma",
      senderId: "555",
    }).code;
    const run = await runCaptured(
      ["pairing", "approve", "telegram", code, "--notify", "--url", temp.gateway.url],
      env,
    );
    expect(run.code).toBe(1);
    expect(run.err).toEqual([
      "approved telegram/gamma sender 555, but could not notify the sender: account telegram/gamma is not running",
    ]);
  });
});
