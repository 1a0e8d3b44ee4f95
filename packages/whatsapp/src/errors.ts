import { GatewayError, PlatformError, toGatewayError } from "@patchbay/core";
import { DisconnectReason } from "./client.js";

/** What the adapter does after a socket closes. */
export type DisconnectAction =
  /** 515 after pairing (and sometimes at random): reconnect at once with the saved credentials. */
  | { kind: "restart" }
  /** 401 (device unlinked) and friends: the number must be linked again; never retry. */
  | { kind: "logged-out"; reason: string }
  /** 440: another client took the session; stop and report, never fight it. */
  | { kind: "replaced"; reason: string }
  /** The server failed authentication; never retry against it. */
  | { kind: "untrusted"; error: GatewayError }
  /** 408, 428, 499, 5xx and anything unknown: reconnect with backoff. */
  | { kind: "transient"; reason: string; statusCode: number | undefined };

/** The HTTP-like status Baileys puts on its Boom errors (`error.output.statusCode`). */
export function statusCodeOf(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const output = (error as { output?: { statusCode?: unknown } }).output;
  return typeof output?.statusCode === "number" ? output.statusCode : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Maps why a Baileys socket closed to what the adapter does next. */
export function classifyDisconnect(error: unknown): DisconnectAction {
  if (error instanceof GatewayError && error.code === "UNTRUSTED_SERVER") return { kind: "untrusted", error };
  const statusCode = statusCodeOf(error);
  switch (statusCode) {
    case DisconnectReason.restartRequired:
      return { kind: "restart" };
    case DisconnectReason.loggedOut:
      return { kind: "logged-out", reason: "WhatsApp logged this device out (401); link the number again" };
    case DisconnectReason.forbidden:
      return { kind: "logged-out", reason: "WhatsApp refused this account (403); link the number again" };
    case DisconnectReason.multideviceMismatch:
      return { kind: "logged-out", reason: "WhatsApp asked for a new link (411); link the number again" };
    case DisconnectReason.connectionReplaced:
      return { kind: "replaced", reason: "another WhatsApp Web session took over this device (440)" };
    default:
      return {
        kind: "transient",
        statusCode,
        reason: `connection closed${statusCode ? ` (${statusCode})` : ""}: ${messageOf(error ?? "unknown")}`,
      };
  }
}

/** Turns an error from a Baileys call (send, group query, presence) into a GatewayError. */
export function toSendError(error: unknown, method: string, context: { accountId: string }): GatewayError {
  if (error instanceof GatewayError) return error;
  const status = statusCodeOf(error);
  if (status !== undefined || error instanceof Error) {
    return new PlatformError(`WhatsApp ${method} failed: ${messageOf(error)}`, {
      method,
      ...(status !== undefined ? { status } : {}),
      channel: "whatsapp",
      accountId: context.accountId,
      cause: error,
    });
  }
  return toGatewayError(error);
}
