import type { BinaryNode } from "baileys";
import type { DisconnectFault } from "./model.js";

/**
 * The stanza WhatsApp sends before closing a connection for `fault` (`drop` sends nothing): a
 * `conflict` for logged-out (401, device removed) and replaced (440), else a bare coded stream error.
 */
export function disconnectStanza(fault: Exclude<DisconnectFault, { kind: "drop" }>): BinaryNode {
  switch (fault.kind) {
    case "logged-out":
      return {
        tag: "stream:error",
        attrs: { code: "401" },
        content: [{ tag: "conflict", attrs: { type: "device_removed" } }],
      };
    case "replaced":
      return {
        tag: "stream:error",
        attrs: {},
        content: [{ tag: "conflict", attrs: { type: "replaced" } }],
      };
    case "restart-required":
      return { tag: "stream:error", attrs: { code: "515" } };
    case "stream-error":
      return { tag: "stream:error", attrs: { code: String(fault.code) } };
  }
}

/** Logins of an account the fake answers with `<failure reason=code>`, as WhatsApp does when it is unwell. */
export class LoginFaults {
  readonly #byPhone = new Map<string, { code: number; remaining: number }>();

  /** Refuses the next `times` logins of `phone` (default: every one until `clear`). */
  refuse(phone: string, code: number, times = Number.POSITIVE_INFINITY): void {
    this.#byPhone.set(phone, { code, remaining: times });
  }

  clear(phone?: string): void {
    if (phone === undefined) this.#byPhone.clear();
    else this.#byPhone.delete(phone);
  }

  /** Consumes one refusal for `phone`; the failure code, or undefined to let the login through. */
  take(phone: string): number | undefined {
    const fault = this.#byPhone.get(phone);
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.#byPhone.delete(phone);
    return fault.code;
  }
}
