/** A credential in config: a literal string, or a reference resolved at start (spec §1.3). */
export type SecretInput = string | SecretRef;

export interface SecretRef {
  source: "env" | "file";
  provider?: string;
  /** Env var name (source env) or file path (source file). */
  id: string;
}

export function isSecretRef(value: unknown): value is SecretRef {
  if (typeof value !== "object" || value === null) return false;
  const ref = value as Record<string, unknown>;
  return (ref.source === "env" || ref.source === "file") && typeof ref.id === "string";
}

const REDACTED = "[redacted]";

/**
 * Replaces every occurrence of each secret in `text`. Used on error messages and log lines that
 * may carry a URL with a token in it (Telegram's `/bot<token>/` paths, for one).
 */
export function redactSecrets(text: string, secrets: ReadonlyArray<string | undefined>): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join(REDACTED);
  }
  // Bot API style paths leak tokens even when we were not told the token.
  return out.replace(/\/bot\d+:[A-Za-z0-9_-]+/g, `/bot${REDACTED}`);
}
