import { commonFlags, parseFlags } from "../args.js";
import { gatewayClient } from "../gateway-client.js";
import { type CliIo, printJson } from "../io.js";

const USAGE = "patchbay channels status [--probe] [--url URL] [--config PATH] [--json]";

interface AccountRow {
  channel: string;
  accountId: string;
  state: string;
  reason?: string;
  lastInboundAt?: number;
  probe?: { ok: boolean; identity?: string; error?: string; latencyMs?: number };
}

/** Every account's health from the running gateway; `--probe` also asks each platform who we are. */
export async function channelsStatus(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags(
    argv,
    { ...commonFlags, probe: { type: "boolean", default: false }, url: { type: "string" } },
    USAGE,
  );
  const client = await gatewayClient({ config: values.config, url: values.url, env: io.env });
  const { body } = await client.get(values.probe ? "/api/accounts?probe=1" : "/api/accounts");
  const accounts = (body.accounts ?? []) as AccountRow[];
  const healthy = accounts.every((a) => a.state === "ready" && (a.probe?.ok ?? true));
  if (values.json) printJson(io, { gateway: client.base, ok: healthy, accounts });
  else {
    io.out(`gateway ${client.base}`);
    for (const a of accounts) {
      const probe = a.probe
        ? a.probe.ok
          ? `  probe ok${a.probe.identity ? ` (${a.probe.identity})` : ""}`
          : `  probe FAILED: ${a.probe.error}`
        : "";
      io.out(
        `${`${a.channel}/${a.accountId}`.padEnd(28)} ${a.state.padEnd(12)}${a.reason ? ` ${a.reason}` : ""}${probe}`,
      );
    }
  }
  return healthy ? 0 : 1;
}
