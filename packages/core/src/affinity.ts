import type { OutboundTarget } from "./channel.js";
import { GatewayError } from "./errors.js";

/** Throws unless `target` belongs to this adapter's own channel and account (account affinity). */
export function assertAccountAffinity(
  adapter: { readonly channel: string; readonly accountId: string },
  target: OutboundTarget,
): void {
  if (target.channel !== adapter.channel || target.accountId !== adapter.accountId) {
    throw new GatewayError(
      "ACCOUNT_MISMATCH",
      `Refusing to send for ${target.channel}/${target.accountId} through ${adapter.channel}/${adapter.accountId}`,
      { channel: adapter.channel, accountId: adapter.accountId },
    );
  }
}
