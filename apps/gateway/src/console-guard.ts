/**
 * libsignal (under Baileys) prints whole Signal session records, private keys included, with
 * console.info/warn ("Closing session: SessionEntry {…}"). A package cannot stop that, so the
 * gateway process drops those lines: secrets never reach the terminal or a log collector.
 */
const LIBSIGNAL_PREFIXES = [
  "Closing session",
  "Opening session",
  "Removing old closed session",
  "Migrating session",
  "Session already",
  "Closing open session",
  "Closing stale open session",
  "Decrypted message with closed session",
  "Failed to decrypt message with any known session",
  "Session error:",
  "V1 session storage migration error",
  "Unhandled bucket type",
];

export function isLibsignalNoise(args: readonly unknown[]): boolean {
  const [first] = args;
  if (typeof first === "string" && LIBSIGNAL_PREFIXES.some((prefix) => first.startsWith(prefix))) return true;
  return args.some(
    (arg) => typeof arg === "object" && arg !== null && arg.constructor?.name === "SessionEntry",
  );
}

export function installConsoleGuard(
  target: Pick<Console, "log" | "info" | "warn" | "error" | "debug"> = console,
): void {
  for (const method of ["log", "info", "warn", "error", "debug"] as const) {
    const original = target[method].bind(target);
    target[method] = (...args: unknown[]) => {
      if (!isLibsignalNoise(args)) original(...args);
    };
  }
}
