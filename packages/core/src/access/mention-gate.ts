/** Input of {@link resolveMentionGate}. */
export interface MentionGateInput {
  readonly requireMention?: unknown;
  /** The channel has native mentions, or at least one mention pattern exists. */
  readonly canDetectMention?: unknown;
  /** Native mention or pattern match. */
  readonly wasMentioned?: unknown;
  /** A reply to / quote of the bot. Satisfies the gate, never sender authorisation. */
  readonly implicitMention?: unknown;
  /** An authorised control command in a group with no other mentions. */
  readonly shouldBypassMention?: unknown;
}

/** Result of {@link resolveMentionGate}. */
export interface MentionGateResult {
  /** Keep the message as pending history only; do not run the agent. */
  readonly skip: boolean;
  readonly effectiveWasMentioned: boolean;
}

/**
 * Mention gating for groups (§4.6): skip iff requireMention AND detection is possible AND the
 * message was not effectively mentioned. Only literal `true` counts for each flag. Never throws.
 */
export function resolveMentionGate(input: MentionGateInput): MentionGateResult {
  const source = typeof input === "object" && input !== null ? input : ({} as MentionGateInput);
  const effectiveWasMentioned =
    source.wasMentioned === true || source.implicitMention === true || source.shouldBypassMention === true;
  const skip = source.requireMention === true && source.canDetectMention === true && !effectiveWasMentioned;
  return { skip, effectiveWasMentioned };
}
