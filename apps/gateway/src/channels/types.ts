import type { IncomingMessage, ServerResponse } from "node:http";
import type { ChannelAdapter, EnvLike, KeyValueStore, Logger, ResolvedChannelAccount } from "@patchbay/core";

/** What a channel factory gets besides the account: the gateway's shared services. */
export interface ChannelContext {
  stateDir: string;
  logger: Logger;
  /** This account's own slice of the durable key-value store (offsets, dedupe windows). */
  state: KeyValueStore;
  env: EnvLike;
}

export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** An HTTP endpoint an account receives on (Telegram webhook, Slack Events API). */
export interface HttpMount {
  path: string;
  /** Called per request with the account's adapter running at that moment. */
  handler(adapter: ChannelAdapter): NodeHandler;
}

/** How the gateway runs one channel's accounts. */
export interface ChannelDefinition {
  /** Builds the adapter of one account, or throws a GatewayError that says what is missing. */
  create(account: ResolvedChannelAccount, context: ChannelContext): ChannelAdapter;
  /** The account's HTTP endpoint, when it receives over HTTP. */
  mount?(account: ResolvedChannelAccount): HttpMount | undefined;
}

export type ChannelFactories = Readonly<Record<string, ChannelDefinition>>;
