import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { EnvLike, Logger } from "@patchbay/core";
import type { CliIo } from "../cli/io.js";
import { type RunningGateway, startGateway } from "../gateway.js";
import { type Route, readJson, sendJson } from "../http/server.js";
import type { PlaygroundChannel } from "./world.js";
import { startDevWorlds } from "./worlds.js";

/** The example config shipped with the repo: every account points at a built-in fake. */
export const DEV_CONFIG_PATH = fileURLToPath(new URL("../../examples/dev.patchbay.json5", import.meta.url));

export interface PlaygroundOptions {
  config?: string | undefined;
  stateDir?: string | undefined;
  port?: number | undefined;
  env: EnvLike;
  logger: Logger;
  io: CliIo;
}

export interface RunningPlayground {
  gateway: RunningGateway;
  worlds: PlaygroundChannel[];
  stop(): Promise<void>;
}

/**
 * `patchbay gateway --dev`: the four fake platforms in this process, and the gateway on the
 * example config (or yours), so a fresh clone answers messages with no tokens and no network.
 */
export async function startDevPlayground(options: PlaygroundOptions): Promise<RunningPlayground> {
  const configPath = resolve(options.config ?? options.env.PATCHBAY_CONFIG_PATH ?? DEV_CONFIG_PATH);
  const stateDir = resolve(options.stateDir ?? options.env.PATCHBAY_STATE_DIR ?? ".patchbay-dev");
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  if (!existsSync(configPath)) throw new Error(`config file not found: ${configPath}`);
  const { worlds, channels } = await startDevWorlds(stateDir);
  const byChannel = new Map(worlds.map((world) => [world.channel, world]));
  let gateway: RunningGateway;
  try {
    gateway = await startGateway({
      configPath,
      stateDir,
      logger: options.logger,
      channels,
      env: options.env,
      dev: true,
      ...(options.port !== undefined ? { port: options.port } : {}),
      extraRoutes: () => playgroundRoutes(byChannel),
    });
  } catch (error) {
    await Promise.all(worlds.map((world) => world.stop()));
    throw error;
  }
  await gateway.settled();
  options.io.out("");
  options.io.out(
    `Patchbay dev playground: ${worlds.map((w) => w.channel).join(", ")} run as fakes in this process.`,
  );
  options.io.out(`  console:  ${gateway.url}/   (write as a fake user, watch the routing and the reply)`);
  options.io.out(`  health:   ${gateway.url}/healthz   metrics: ${gateway.url}/metrics`);
  options.io.out(`  config:   ${configPath}   (edit it: changes reload live)`);
  options.io.out(`  state:    ${stateDir}`);
  options.io.out("");
  return {
    gateway,
    worlds,
    stop: async () => {
      await gateway.stop();
      await Promise.all(worlds.map((world) => world.stop()));
    },
  };
}

function playgroundRoutes(worlds: Map<string, PlaygroundChannel>): Route[] {
  return [
    {
      method: "GET",
      path: "/api/dev/playground",
      handler: (_req, res) =>
        sendJson(res, 200, {
          channels: [...worlds.values()].map(({ channel, accounts, chats, users }) => ({
            channel,
            accounts,
            chats,
            users,
          })),
        }),
    },
    {
      method: "POST",
      path: "/api/dev/send",
      handler: async (req, res) => {
        // JSON only: a cross-site form or text/plain POST from another page can't get through
        // (the browser would need a CORS preflight, which this server never grants).
        if (!String(req.headers["content-type"] ?? "").startsWith("application/json")) {
          sendJson(res, 415, { error: "send JSON (content-type: application/json)" });
          return;
        }
        const body = (await readJson(req)) as Record<string, unknown> | null;
        const world = worlds.get(String(body?.channel ?? ""));
        const fields = ["accountId", "chat", "user", "text"] as const;
        if (
          !world ||
          !body ||
          fields.some((field) => typeof body[field] !== "string" || body[field] === "")
        ) {
          sendJson(res, 400, { error: "channel, accountId, chat, user and text are required" });
          return;
        }
        await world.send({
          accountId: String(body.accountId),
          chat: String(body.chat),
          user: String(body.user),
          text: String(body.text),
        });
        sendJson(res, 202, { sent: true });
      },
    },
  ];
}
