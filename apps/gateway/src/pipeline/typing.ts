import type { ChannelAdapter, OutboundTarget } from "@patchbay/core";

/** Platforms expire a typing indicator after ~5 s, so it is renewed until the reply is ready. */
const TYPING_RENEW_MS = 4_000;

/** Shows "typing…" through the adapter (when it can) until the returned function is called. */
export function keepTyping(adapter: ChannelAdapter | undefined, target: OutboundTarget): () => void {
  if (!adapter?.sendTyping) return () => {};
  const send = () => void adapter.sendTyping?.(target).catch(() => {});
  send();
  const timer = setInterval(send, TYPING_RENEW_MS);
  timer.unref();
  return () => clearInterval(timer);
}
