export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Record<string, unknown>;
export type LogFn = (message: string, fields?: LogFields) => void;

/**
 * The logging seam every package receives. Packages never call `console.*`; the gateway supplies
 * a concrete logger (pino) and tests a silent or recording one. Never pass a secret in `fields`.
 */
export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  child(bindings: LogFields): Logger;
}

const noop: LogFn = () => {};

export const silentLogger: Logger = {
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  child: () => silentLogger,
};

export interface LogRecord {
  level: LogLevel;
  message: string;
  fields: LogFields;
}

/** A logger that keeps every record, for tests that assert what was (or was not) logged. */
export interface RecordingLogger extends Logger {
  readonly records: LogRecord[];
}

export function createRecordingLogger(bindings: LogFields = {}, records: LogRecord[] = []): RecordingLogger {
  const at =
    (level: LogLevel): LogFn =>
    (message, fields) => {
      records.push({ level, message, fields: { ...bindings, ...fields } });
    };
  return {
    records,
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    child: (more) => createRecordingLogger({ ...bindings, ...more }, records),
  };
}
