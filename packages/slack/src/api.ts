/**
 * The slice of Slack's Web API the adapter uses, free of SDK types so inbound, outbound and the
 * directory can be read (and tested) without Bolt. `client.ts` implements it over Bolt's WebClient.
 * Every method rejects with the SDK's error; `errors.ts` turns that into ours.
 */
export interface SlackApi {
  /** `auth.test` with the bot token: who this account is. */
  authTest(): Promise<SlackIdentity>;
  /** `chat.postMessage`; `channel` may be a conversation id or a user id (the bot's DM with them). */
  postMessage(args: PostMessageArgs): Promise<{ channel: string; ts: string }>;
  /** `conversations.info`. */
  conversationInfo(channel: string): Promise<ConversationInfo>;
  /** `users.info`. */
  userInfo(user: string): Promise<UserInfo>;
}

export interface SlackIdentity {
  teamId: string;
  teamName: string | undefined;
  /** The bot's user id (`U…`): mentions look like `<@U…>`. */
  botUserId: string;
  /** The bot id (`B…`) its messages carry as `bot_id`. */
  botId: string;
  botName: string | undefined;
  /** Workspace URL, e.g. `https://acme.slack.com/`. */
  url: string | undefined;
}

export interface PostMessageArgs {
  channel: string;
  text: string;
  threadTs?: string;
}

export interface ConversationInfo {
  id: string;
  isIm: boolean;
  isMpim: boolean;
  isPrivate: boolean;
  name: string | undefined;
}

export interface UserInfo {
  id: string;
  /** Display name, else real name. */
  name: string | undefined;
  /** The handle (`name`). */
  username: string | undefined;
  isBot: boolean;
}
