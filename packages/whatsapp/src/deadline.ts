import type { GatewayError } from "@patchbay/core";

/** A promise that only ever rejects, and how to stop it from doing so. */
export interface Tripwire {
  readonly promise: Promise<never>;
  cancel(): void;
}

const never: Tripwire = { promise: new Promise<never>(() => {}), cancel: () => {} };

/** Rejects with `error()` after `ms`; a 0 limit never fires. */
export function deadline(ms: number, error: () => GatewayError): Tripwire {
  if (ms <= 0) return never;
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(error()), ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

/** Rejects with `error()` when `signal` aborts (at once when it already has). */
export function abortion(signal: AbortSignal | undefined, error: () => GatewayError): Tripwire {
  if (!signal) return never;
  let onAbort = () => {};
  const promise = new Promise<never>((_, reject) => {
    onAbort = () => reject(error());
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  });
  return { promise, cancel: () => signal.removeEventListener("abort", onAbort) };
}
