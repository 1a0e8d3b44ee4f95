import type { DcAllowedMentions, Snowflake } from "./wire.js";

/** The mentions written in a message's content, as Discord parses them. */
export interface ParsedMentions {
  users: Snowflake[];
  roles: Snowflake[];
  everyone: boolean;
}

/** Who a message actually notifies once `allowed_mentions` is applied. */
export interface Pings {
  users: Snowflake[];
  roles: Snowflake[];
  /** @everyone or @here would notify the whole channel. */
  everyone: boolean;
}

const unique = (values: Snowflake[]): Snowflake[] => [...new Set(values)];

/** Finds `<@id>`, `<@!id>`, `<@&role>`, `@everyone` and `@here` in message content. */
export function parseMentions(content: string): ParsedMentions {
  const users = [...content.matchAll(/<@!?(\d+)>/g)].map((m) => m[1] as string);
  const roles = [...content.matchAll(/<@&(\d+)>/g)].map((m) => m[1] as string);
  return { users: unique(users), roles: unique(roles), everyone: /@(everyone|here)\b/.test(content) };
}

/**
 * Applies Discord's `allowed_mentions` rules: without the field every mention pings; with it, only
 * the `parse` types and the explicit `users` / `roles` lists do, and the author of the message
 * replied to is pinged only when `replied_user` is true.
 */
export function computePings(
  content: string,
  allowed: DcAllowedMentions | undefined,
  repliedUserId?: Snowflake,
): Pings {
  const parsed = parseMentions(content);
  if (allowed === undefined) {
    const users = repliedUserId ? unique([...parsed.users, repliedUserId]) : parsed.users;
    return { users, roles: parsed.roles, everyone: parsed.everyone };
  }
  const parse = new Set(allowed.parse ?? []);
  const users = parse.has("users")
    ? parsed.users
    : parsed.users.filter((id) => allowed.users?.includes(id) ?? false);
  const roles = parse.has("roles")
    ? parsed.roles
    : parsed.roles.filter((id) => allowed.roles?.includes(id) ?? false);
  const withReplied =
    repliedUserId && allowed.replied_user === true ? unique([...users, repliedUserId]) : users;
  return { users: withReplied, roles, everyone: parsed.everyone && parse.has("everyone") };
}
