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

/** Adapters that receive over HTTP expose a plain Node handler the gateway mounts. */
export interface HttpMountable {
  httpMount(): { path: string; handler: (req: IncomingMessage, res: ServerResponse) => void } | undefined;
}

/** Builds the adapter of one account, or throws a GatewayError that says what is missing. */
export type ChannelFactory = (account: ResolvedChannelAccount, context: ChannelContext) => ChannelAdapter;

export type ChannelFactories = Readonly<Record<string, ChannelFactory>>;
