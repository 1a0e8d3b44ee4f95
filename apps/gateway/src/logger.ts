import type { LogFields, Logger } from "@patchbay/core";
import { pino } from "pino";

/** The concrete logger: pino, JSON lines to stdout (or a pretty one-liner per record on a terminal). */
export function createLogger(options: { level?: string; pretty?: boolean } = {}): Logger {
  const level = options.level ?? "info";
  if (options.pretty) return prettyLogger(level, {});
  return wrap(pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime }));
}

function wrap(base: pino.Logger): Logger {
  return {
    debug: (message, fields) => base.debug(fields ?? {}, message),
    info: (message, fields) => base.info(fields ?? {}, message),
    warn: (message, fields) => base.warn(fields ?? {}, message),
    error: (message, fields) => base.error(fields ?? {}, message),
    child: (bindings) => wrap(base.child(bindings)),
  };
}

const LEVELS = ["debug", "info", "warn", "error"] as const;

/** Human-readable lines for the terminal in dev mode. */
function prettyLogger(level: string, bindings: LogFields): Logger {
  const min = Math.max(0, LEVELS.indexOf(level as (typeof LEVELS)[number]));
  const at =
    (lvl: (typeof LEVELS)[number]) =>
    (message: string, fields?: LogFields): void => {
      if (LEVELS.indexOf(lvl) < min) return;
      const all = { ...bindings, ...fields };
      const where = [all.channel, all.accountId].filter(Boolean).join("/");
      delete all.channel;
      delete all.accountId;
      const extra = Object.keys(all).length > 0 ? ` ${JSON.stringify(all)}` : "";
      const time = new Date().toISOString().slice(11, 19);
      process.stdout.write(`${time} ${lvl.padEnd(5)} ${where ? `[${where}] ` : ""}${message}${extra}\n`);
    };
  return {
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    child: (more) => prettyLogger(level, { ...bindings, ...more }),
  };
}
