import { z } from "zod";
import { knownKeys, strictObject } from "./strict.js";

/** `{ source: "env" | "file" | "exec", provider?, id }` (OpenClaw's SecretRef; `exec` is accepted, not resolved). */
export const SecretRefInput = strictObject({
  source: z.enum(["env", "file", "exec"]),
  provider: z.string().optional(),
  id: z.string().min(1),
});
export type SecretRefInput = z.infer<typeof SecretRefInput>;

/** A credential: a literal string or a SecretRef (spec §1.3). */
export const SecretInputSchema = z.union([z.string(), SecretRefInput]);
export type SecretInputValue = z.infer<typeof SecretInputSchema>;

/** Allowlist entries: ids may be written as numbers in JSON (Telegram, Discord). */
export const IdList = z.array(z.union([z.string(), z.number()]));

export const DmPolicy = z.enum(["pairing", "allowlist", "open", "disabled"]);
export type DmPolicy = z.infer<typeof DmPolicy>;

export const GroupPolicy = z.enum(["open", "disabled", "allowlist"]);
export type GroupPolicy = z.infer<typeof GroupPolicy>;

export const ToolPolicy = strictObject({
  allow: z.array(z.string()).optional(),
  alsoAllow: z.array(z.string()).optional(),
  deny: z.array(z.string()).optional(),
  profile: z.string().optional(),
});

export const ToolsBySender = z.record(z.string(), ToolPolicy);

/** `dms.<peerId>` entries. */
export const DmHistory = strictObject({ historyLimit: z.number().int().min(0).optional() });

/** Channel/account `mentionPatterns`: the newer scoping policy, or (IRC style) a pattern list. */
export const MentionPatternsScope = z.union([
  z.array(z.string()),
  strictObject({
    mode: z.enum(["allow", "deny"]).optional(),
    allowIn: z.array(z.string()).optional(),
    denyIn: z.array(z.string()).optional(),
  }),
]);

/** `groupChat` under `messages` and under an agent. */
export const GroupChat = strictObject({
  mentionPatterns: z.array(z.string()).optional(),
  historyLimit: z.number().int().min(0).optional(),
  visibleReplies: z.unknown().optional(),
});

/** Keys every chat-channel account section shares (spec §1.3), typed. */
export const commonAccountShape = {
  name: z.string().optional(),
  enabled: z.boolean().optional(),
  dmPolicy: DmPolicy.optional(),
  allowFrom: IdList.optional(),
  groupPolicy: GroupPolicy.optional(),
  historyLimit: z.number().int().min(0).optional(),
  dmHistoryLimit: z.number().int().min(0).optional(),
  dms: z.record(z.string(), DmHistory).optional(),
  mentionPatterns: MentionPatternsScope.optional(),
  textChunkLimit: z.number().int().positive().optional(),
  responsePrefix: z.string().optional(),
};

/** OpenClaw account keys Patchbay accepts but does not act on (values not modelled). */
export const commonPassiveAccountShape = knownKeys([
  "capabilities",
  "markdown",
  "commands",
  "configWrites",
  "contextVisibility",
  "defaultTo",
  "streaming",
  "streamMode",
  "chunkMode",
  "blockStreaming",
  "blockStreamingCoalesce",
  "mediaMaxMb",
  "heartbeat",
  "healthMonitor",
  "ackReaction",
  "replyToMode",
  "reactionLevel",
  "reactionNotifications",
  "retry",
  "actions",
]);

/** An http(s) or ws(s) URL string. */
export const UrlString = z.string().refine((value) => {
  try {
    const url = new URL(value);
    return ["http:", "https:", "ws:", "wss:"].includes(url.protocol);
  } catch {
    return false;
  }
}, "Expected an absolute http(s):// or ws(s):// URL");

/**
 * The legacy `dm` block of Discord and Slack (spec §1.3): `dm.policy`/`dm.allowFrom` are the older
 * spelling of dmPolicy/allowFrom; `groupEnabled` admits group DMs / MPIMs.
 */
export const legacyDmShape = {
  enabled: z.boolean().optional(),
  policy: DmPolicy.optional(),
  allowFrom: IdList.optional(),
  groupEnabled: z.boolean().optional(),
  groupChannels: IdList.optional(),
};

/**
 * A channel's config section: every account key at channel level (inherited by accounts), plus
 * `accounts.<id>` with the same keys and `defaultAccount`.
 */
export function channelSection<T extends z.ZodRawShape>(shape: T, account: z.ZodObject<T, z.core.$strict>) {
  return strictObject({
    ...shape,
    accounts: z.record(z.string(), account).optional(),
    defaultAccount: z.string().optional(),
  });
}
