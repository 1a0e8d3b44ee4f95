import { type CliIo, describeFailure } from "./io.js";

type Command = (argv: string[], io: CliIo) => Promise<number>;

// Loaded on use: the gateway and `channels login` pull in every platform SDK (about a second of
// start-up), which `config validate` or `--help` should not pay for.
const COMMANDS: Record<string, () => Promise<Command>> = {
  gateway: async () => (await import("./commands/gateway.js")).gatewayCommand,
  "config validate": async () => (await import("./commands/config-validate.js")).configValidate,
  "route explain": async () => (await import("./commands/route-explain.js")).routeExplain,
  "agents add": async () => (await import("./commands/agents-add.js")).agentsAdd,
  "agents list": async () => (await import("./commands/agents-list.js")).agentsList,
  "channels login": async () => (await import("./commands/channels-login.js")).channelsLogin,
  "channels status": async () => (await import("./commands/channels-status.js")).channelsStatus,
  "pairing list": async () => (await import("./commands/pairing.js")).pairingList,
  "pairing approve": async () => (await import("./commands/pairing.js")).pairingApprove,
};

export const HELP = `patchbay: a gateway between chat platforms and AI agents

Usage:
  patchbay gateway [--dev] [--config PATH] [--port N]   run the daemon (--dev: fake platforms, no tokens)
  patchbay config validate [--config PATH] [--json]     check a config file
  patchbay route explain --channel C [--account A] [--peer KIND:ID] [--parent-peer KIND:ID]
                         [--guild G] [--team T] [--roles R1,R2] [--json]
                                                        which agent answers, and why
  patchbay agents add <id> [--name N] [--model M]       create an agent and its workspace
  patchbay agents list [--bindings] [--json]            agents and their bindings in tier order
  patchbay channels login --channel whatsapp --account ID [--pairing-code --phone +E164]
  patchbay channels status [--probe] [--json]           every account's health from the running gateway
  patchbay pairing list [CHANNEL] [--account ID] [--json]
  patchbay pairing approve CHANNEL CODE [--account ID] [--notify]

Config: --config, else PATCHBAY_CONFIG_PATH, else <state dir>/patchbay.json
State dir: PATCHBAY_STATE_DIR, else ~/.patchbay`;

/** Runs one CLI invocation; returns the exit code (never throws). */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [first, second, ...rest] = argv;
  if (first === undefined || first === "help" || first === "--help" || first === "-h") {
    io.out(HELP);
    return first === undefined ? 2 : 0;
  }
  const command = COMMANDS[`${first} ${second ?? ""}`.trim()] ?? COMMANDS[first];
  const args = COMMANDS[`${first} ${second ?? ""}`.trim()] ? rest : argv.slice(1);
  if (!command) {
    io.err(`unknown command: ${[first, second].filter(Boolean).join(" ")}\n\n${HELP}`);
    return 2;
  }
  if (args.includes("--help") || args.includes("-h")) {
    io.out(HELP);
    return 0;
  }
  try {
    return await (await command())(args, io);
  } catch (error) {
    const { lines, exitCode } = describeFailure(error);
    for (const line of lines) io.err(line);
    return exitCode;
  }
}
