/** One fake platform of the dev playground, as the console's composer sees it. */
export interface PlaygroundChannel {
  channel: string;
  accounts: string[];
  chats: Array<{ id: string; label: string }>;
  users: Array<{ id: string; label: string }>;
  /** Makes `user` say `text` in `chat`, to account `accountId`, on the fake platform. */
  send(input: { accountId: string; chat: string; user: string; text: string }): Promise<void>;
  stop(): Promise<void>;
}
