// Helpers of the pipeline benchmark: GC, percentiles, a gateway on a temp dir, reply waiters,
// closed-loop load and the table printer.
import { statfsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { LogFields, Logger } from "@patchbay/core";
import {
  builtInChannels,
  type ChannelDefinition,
  type RunningGateway,
  startGateway,
} from "@patchbay/gateway";

export function exposeGc(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing !== undefined) return existing;
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

const gcOnce = exposeGc();

/** Several full collections with turns of the event loop between them (finalizers, weak refs). */
export async function collect(): Promise<void> {
  for (let i = 0; i < 4; i++) {
    gcOnce();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

/**
 * A logger that does the work a JSON-lines logger does (serialize every record) and throws the
 * line away, so log formatting is in the measurement but terminal I/O is not.
 */
let discarded = 0;

export function discardingLogger(bindings: LogFields = {}): Logger {
  const at =
    (level: string) =>
    (message: string, fields?: LogFields): void => {
      discarded += JSON.stringify({
        level,
        time: new Date().toISOString(),
        ...bindings,
        ...fields,
        msg: message,
      }).length;
    };
  return {
    debug: () => {},
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    child: (more) => discardingLogger({ ...bindings, ...more }),
  };
}

/** Characters of log lines formatted and dropped (keeps the work from being optimised away). */
export const discardedLogChars = () => discarded;

export interface BenchGateway {
  gateway: RunningGateway;
  stateDir: string;
  writeConfig(config: unknown): Promise<void>;
  dispose(): Promise<void>;
}

/** A gateway on a fresh temp state dir, port 0, no file watching, `telegram` served by `telegram`. */
export async function startBenchGateway(
  config: unknown,
  telegram: ChannelDefinition,
  options: { fsync?: boolean } = {},
): Promise<BenchGateway> {
  const stateDir = await mkdtemp(join(tmpdir(), "patchbay-bench-"));
  const configPath = join(stateDir, "patchbay.json");
  const writeConfig = (value: unknown) => writeFile(configPath, JSON.stringify(value));
  await writeConfig(config);
  const gateway = await startGateway({
    configPath,
    stateDir,
    logger: discardingLogger(),
    channels: { ...builtInChannels, telegram },
    env: {},
    port: 0,
    watchConfig: false,
    fsync: options.fsync ?? true,
  });
  return {
    gateway,
    stateDir,
    writeConfig,
    dispose: async () => {
      await gateway.stop();
      await rm(stateDir, { recursive: true, force: true });
    },
  };
}

/** True when the gateway's session lanes hold no running or queued turn (read from /metrics). */
export function lanesIdle(gateway: RunningGateway): boolean {
  const text = gateway.metrics.registry.render();
  const value = (kind: string) =>
    Number(new RegExp(`patchbay_session_queue\\{kind="${kind}"\\} (\\d+)`).exec(text)?.[1] ?? Number.NaN);
  return value("active") === 0 && value("queued") === 0;
}

/** Resolves once every account of the gateway is ready (or fails after `timeoutMs`). */
export async function allReady(gateway: RunningGateway, count: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = gateway.status();
    if (status.length === count && status.every((s) => s.state === "ready")) return;
    if (Date.now() > deadline) {
      const states = status
        .map((s) => `${s.accountId}:${s.state}${s.reason ? `(${s.reason})` : ""}`)
        .join(" ");
      throw new Error(`accounts not ready after ${timeoutMs} ms: ${states}`);
    }
    await sleep(20);
  }
}

/** A telegram config: one echo agent, open DMs, one session per user, the given accounts. */
export function telegramConfig(apiRoot: string, tokens: Record<string, string>): unknown {
  return {
    agents: { list: [{ id: "echo", default: true, runtime: { type: "echo" } }] },
    session: { dmScope: "per-channel-peer" },
    channels: {
      telegram: {
        apiRoot,
        dmPolicy: "open",
        allowFrom: ["*"],
        accounts: Object.fromEntries(Object.entries(tokens).map(([id, token]) => [id, { botToken: token }])),
      },
    },
  };
}

/** Waiters for replies, by message tag. */
export class Replies {
  readonly #waiters = new Map<number, () => void>();

  expect(tag: number, timeoutMs = 60_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(tag);
        reject(new Error(`no reply to message #${tag} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiters.set(tag, () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  arrived(tag: number | undefined): void {
    if (tag === undefined) return;
    const waiter = this.#waiters.get(tag);
    this.#waiters.delete(tag);
    waiter?.();
  }
}

const FS_TYPES: Record<number, string> = {
  16914836: "tmpfs",
  61267: "ext4",
  2035054128: "overlayfs",
  1481003842: "xfs",
  2435016766: "btrfs",
  26985: "nfs",
  1702057286: "fuse",
};

/** The file system of `path`, for the fsync figures. */
export function fileSystemOf(path: string): string {
  try {
    const type = statfsSync(path).type;
    return FS_TYPES[type] ?? `type 0x${type.toString(16)}`;
  } catch {
    return "unknown";
  }
}

/** A plain text table; numbers are right-aligned, text left-aligned. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const numeric = (cell: string) => /^[-\d.]/.test(cell);
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (numeric(c) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

export const ms = (value: number) =>
  Number.isFinite(value) ? `${value.toFixed(value < 10 ? 3 : 1)} ms` : "n/a";
export const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
