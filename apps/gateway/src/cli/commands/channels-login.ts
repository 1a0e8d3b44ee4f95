import { createRequire } from "node:module";
import {
  normalizeAccountId,
  normalizeChannelId,
  type ResolvedWhatsAppAccount,
  resolveChannelAccounts,
} from "@patchbay/core";
import { createWhatsAppChannel } from "@patchbay/whatsapp";
import { loadConfigFile } from "../../config/load-config.js";
import { resolvePaths, whatsappAuthDir } from "../../paths.js";
import { commonFlags, parseFlags } from "../args.js";
import { CliError, type CliIo, printJson } from "../io.js";

const USAGE =
  "patchbay channels login --channel whatsapp --account ID [--pairing-code --phone +E164] [--relink] [--timeout SECONDS] [--config PATH] [--json]";

const require = createRequire(import.meta.url);
const qrcode = require("qrcode-terminal") as {
  generate(text: string, options: { small: boolean }, done: (qr: string) => void): void;
};

/**
 * Links a WhatsApp number: draws each QR code in the terminal (or prints the pairing code to type
 * on the phone) and waits until WhatsApp accepts the link; the credentials land in the account's
 * auth folder, where the gateway picks them up. Other channels log in with tokens in the config.
 */
export async function channelsLogin(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags(
    argv,
    {
      ...commonFlags,
      channel: { type: "string" },
      account: { type: "string" },
      "pairing-code": { type: "boolean", default: false },
      phone: { type: "string" },
      relink: { type: "boolean", default: false },
      timeout: { type: "string" },
    },
    USAGE,
  );
  // Channel names are case-insensitive everywhere else in the CLI.
  if (normalizeChannelId(values.channel) !== "whatsapp") {
    throw new CliError(
      values.channel
        ? `channels login links WhatsApp numbers; ${values.channel} accounts log in with a token in the config`
        : `--channel whatsapp is required\nUsage: ${USAGE}`,
      2,
    );
  }
  if (values["pairing-code"] && !values.phone)
    throw new CliError("--pairing-code needs --phone +E164 (the number being linked)", 2);
  const timeoutSeconds = values.timeout === undefined ? 180 : Number(values.timeout);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0)
    throw new CliError("--timeout must be a positive number of seconds", 2);

  const { configPath, stateDir } = resolvePaths({ config: values.config }, io.env);
  const { config } = await loadConfigFile(configPath, { stateDir });
  const accountId = normalizeAccountId(values.account);
  const accounts = resolveChannelAccounts(config, "whatsapp", io.env, {
    stateDir,
  }) as ResolvedWhatsAppAccount[];
  const account = accounts.find((candidate) => candidate.accountId === accountId);
  if (!account) {
    const known = accounts.map((candidate) => candidate.accountId).join(", ") || "none";
    throw new CliError(`no WhatsApp account "${accountId}" in ${configPath} (configured: ${known})`);
  }

  const channel = createWhatsAppChannel({
    accountId,
    authDir: account.authDir ?? whatsappAuthDir(stateDir, accountId),
    ...(account.webSocketUrl ? { webSocketUrl: account.webSocketUrl } : {}),
  });
  if (!values.json)
    io.out(
      `Linking WhatsApp account "${accountId}" (stop a running gateway first: only one client may hold the link).`,
    );
  const identity = await channel.login({
    relink: values.relink,
    timeoutMs: timeoutSeconds * 1000,
    ...(values["pairing-code"] && values.phone
      ? {
          pairingPhone: values.phone,
          onPairingCode: (code: string) => {
            if (values.json) printJson(io, { pairingCode: code });
            else
              io.out(`On the phone: WhatsApp > Linked devices > Link with phone number, then enter: ${code}`);
          },
        }
      : {
          onQr: (qr: string) => {
            if (values.json) printJson(io, { qr });
            else
              qrcode.generate(qr, { small: true }, (drawn) =>
                io.out(`Scan with WhatsApp > Linked devices:\n${drawn}`),
              );
          },
        }),
  });
  if (values.json) printJson(io, { linked: true, accountId, identity });
  else
    io.out(`Linked ${accountId} as ${JSON.stringify(identity)}. Start (or restart) the gateway to use it.`);
  return 0;
}
