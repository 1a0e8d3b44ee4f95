import { agentsAdd } from "./commands/agents-add.js";
import { agentsList } from "./commands/agents-list.js";
import { channelsLogin } from "./commands/channels-login.js";
import { channelsStatus } from "./commands/channels-status.js";
import { configValidate } from "./commands/config-validate.js";
import { gatewayCommand } from "./commands/gateway.js";
import { pairingApprove, pairingList } from "./commands/pairing.js";
import { routeExplain } from "./commands/route-explain.js";
import { type CliIo, describeFailure } from "./io.js";

type Command = (argv: string[], io: CliIo) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  gateway: gatewayCommand,
  "config validate": configValidate,
  "route explain": routeExplain,
  "agents add": agentsAdd,
  "agents list": agentsList,
  "channels login": channelsLogin,
  "channels status": channelsStatus,
  "pairing list": pairingList,
  "pairing approve": pairingApprove,
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
    return await command(args, io);
  } catch (error) {
    const { lines, exitCode } = describeFailure(error);
    for (const line of lines) io.err(line);
    return exitCode;
  }
}
