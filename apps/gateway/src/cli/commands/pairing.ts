import { join } from "node:path";
import {
  createPairingStore,
  KNOWN_CHANNEL_NAMES,
  normalizeAccountId,
  normalizeChannelId,
} from "@patchbay/core";
import { resolvePaths } from "../../paths.js";
import { commonFlags, parseFlags } from "../args.js";
import { gatewayClient } from "../gateway-client.js";
import { CliError, type CliIo, describeFailure, printJson } from "../io.js";

const LIST_USAGE = "patchbay pairing list [CHANNEL] [--account ID] [--json]";
const APPROVE_USAGE = "patchbay pairing approve CHANNEL CODE [--account ID] [--notify] [--url URL] [--json]";
const PAIRING_CHANNELS = ["telegram", "whatsapp", "discord", "slack"];

function channelArg(value: string | undefined, usage: string): string {
  if (!value)
    throw new CliError(`a channel is required (${PAIRING_CHANNELS.join(", ")})\nUsage: ${usage}`, 2);
  const channel = normalizeChannelId(value);
  if (!KNOWN_CHANNEL_NAMES.includes(channel))
    throw new CliError(`unknown channel "${value}" (known: ${PAIRING_CHANNELS.join(", ")})`, 2);
  return channel;
}

const storeFor = (io: CliIo, config: string | undefined) =>
  createPairingStore({ dir: join(resolvePaths({ config }, io.env).stateDir, "credentials") });

export async function pairingList(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(
    argv,
    { ...commonFlags, account: { type: "string" } },
    LIST_USAGE,
  );
  const channels = positionals[0] ? [channelArg(positionals[0], LIST_USAGE)] : PAIRING_CHANNELS;
  const store = storeFor(io, values.config);
  const requests = channels.flatMap((channel) =>
    store.list({ channel, ...(values.account ? { accountId: normalizeAccountId(values.account) } : {}) }),
  );
  if (values.json) {
    printJson(io, { requests });
    return 0;
  }
  if (requests.length === 0) io.out("no pending pairing requests");
  for (const r of requests) {
    io.out(
      `${r.code}  ${r.channel}/${r.accountId}  sender ${r.senderId}  requested ${new Date(r.createdAt).toISOString()}`,
    );
  }
  return 0;
}

export async function pairingApprove(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(
    argv,
    {
      ...commonFlags,
      account: { type: "string" },
      notify: { type: "boolean", default: false },
      url: { type: "string" },
    },
    APPROVE_USAGE,
  );
  const channel = channelArg(positionals[0], APPROVE_USAGE);
  const code = positionals[1];
  if (!code) throw new CliError(`a pairing code is required\nUsage: ${APPROVE_USAGE}`, 2);
  const approval = storeFor(io, values.config).approve({
    channel,
    code,
    ...(values.account ? { accountId: normalizeAccountId(values.account) } : {}),
  });
  if (!approval)
    throw new CliError(
      `no pending ${channel} pairing request with code ${code.toUpperCase()} (expired, or already approved?)`,
    );
  let notified = false;
  if (values.notify) {
    // The approval already happened: say so whatever goes wrong next, or a retry finds no code.
    const who = `${approval.channel}/${approval.accountId} sender ${approval.senderId}`;
    const failed = (reason: string) =>
      new CliError(`approved ${who}, but could not notify the sender: ${reason}`);
    let response: { status: number; body: Record<string, unknown> };
    try {
      const client = await gatewayClient({ config: values.config, url: values.url, env: io.env });
      response = await client.post("/api/pairing/notify", approval);
    } catch (error) {
      throw failed(
        describeFailure(error)
          .lines.map((line) => line.trim())
          .join(" "),
      );
    }
    if (response.status !== 200) throw failed(String(response.body.error ?? response.status));
    notified = true;
  }
  if (values.json) printJson(io, { approved: approval, notified });
  else
    io.out(
      `approved ${approval.channel}/${approval.accountId} sender ${approval.senderId}${notified ? " (notified)" : ""}`,
    );
  return 0;
}
