import {
  buildGroupHistoryKey,
  type ChannelAdapter,
  type InboundEnvelope,
  type Logger,
  matchesMentionPatterns,
  type OutboundTarget,
  type PairingStore,
  PartialSendError,
  type ResolvedAgentRoute,
  resolveBroadcastRuns,
  resolveBroadcastStrategy,
  resolveGroupHistoryLimit,
  resolveMentionGate,
  toGatewayError,
} from "@patchbay/core";
import { LaneRejectedError, type SessionLanes } from "../lanes/index.js";
import type { GroupContextLine } from "../runtimes/index.js";
import {
  type InboundJournal,
  type JournaledEnvelope,
  journalKey,
  type SessionStore,
} from "../stores/index.js";
import { decideAdmission } from "./admission.js";
import { agentTurn, historyFor, userTranscriptLine } from "./agent-turn.js";
import type { ConfigSnapshot } from "./config-snapshot.js";
import type { EventLog } from "./event-log.js";
import type { GatewayMetrics } from "./gateway-metrics.js";
import { contextLine, GroupHistory } from "./group-history.js";
import { answerPairing } from "./pairing-flow.js";
import { isShutdownAbort, type Replay } from "./replay.js";
import { routeMessage } from "./route-message.js";
import { keepTyping } from "./typing.js";

/** What a user sees when their agent fails; the cause goes to the log only. */
export const AGENT_APOLOGY = "Sorry, something went wrong while answering. Please try again in a moment.";

/** A message pending on restart more often than this is given up (it keeps crashing us). */
const MAX_REPLAYS = 3;
const TRANSCRIPT_HISTORY = 20;

export interface PipelineDeps {
  snapshot: () => ConfigSnapshot;
  journal: InboundJournal;
  pairing: PairingStore;
  lanes: SessionLanes;
  sessions: (agentId: string) => Promise<SessionStore>;
  /** The running adapter of an account, for outbound (account affinity: only the receiving one). */
  adapter: (channel: string, accountId: string) => ChannelAdapter | undefined;
  /**
   * The account's started adapter, waiting briefly while it (re)starts (a hot reload restarting
   * it): a reply due in that moment goes out late instead of failing. Falls back to `adapter`.
   */
  readyAdapter?: (channel: string, accountId: string) => Promise<ChannelAdapter | undefined>;
  metrics: GatewayMetrics;
  events: EventLog;
  logger: Logger;
  now?: () => number;
}

interface Run {
  agentId: string;
  sessionKey: string;
}

/**
 * One message, end to end (DESIGN.md): journal + dedupe → admission → route → trigger gating →
 * broadcast fan-out → session lane → agent runtime → outbound through the receiving account →
 * transcript. `sink` is what adapters call; it resolves once the envelope is journaled, so the
 * platform is acknowledged only for messages that can no longer be lost.
 */
export class Pipeline {
  readonly #deps: PipelineDeps;
  readonly #history = new GroupHistory();
  readonly #inFlight = new Set<Promise<void>>();
  /** New messages of accounts whose unfinished ones are not replayed yet, in arrival order. */
  readonly #held = new Map<string, JournaledEnvelope[]>();
  /** Accounts already registered for replay (each replays once per run). */
  readonly #replayed = new Set<string>();
  readonly #now: () => number;
  #closing = false;

  constructor(deps: PipelineDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
  }

  readonly sink = async (envelope: InboundEnvelope): Promise<void> => {
    const verdict = await this.#deps.journal.accept(envelope);
    if (verdict === "duplicate") {
      this.#deps.metrics.drops.inc({ channel: envelope.channel, reason: "duplicate" });
      this.#deps.logger.debug("duplicate dropped", {
        channel: envelope.channel,
        accountId: envelope.accountId,
        id: envelope.id,
      });
      return;
    }
    if (this.#closing) {
      // Journaled but not processed: the next run replays it (Discord, for one, never redelivers).
      this.#deps.logger.info("message kept for the next run (stopping)", {
        channel: envelope.channel,
        accountId: envelope.accountId,
      });
      return;
    }
    this.#deps.metrics.inbound.inc({ channel: envelope.channel, account: envelope.accountId });
    const account = `${envelope.channel}/${envelope.accountId}`;
    const held = this.#held.get(account);
    if (held) {
      // The account's older, unfinished messages go first (see replayAccount).
      held.push(envelope);
      return;
    }
    this.#track(this.#process(envelope));
  };

  /**
   * Re-runs an account's messages that a previous run received but did not finish, once that
   * account is up again (its replies go out through it), then the account's new messages that
   * arrived meanwhile, so a conversation is answered in order. Later calls do nothing.
   */
  replayAccount(channel: string, accountId: string): number {
    const account = `${channel}/${accountId}`;
    const held = this.#held.get(account);
    if (!held) return 0;
    const heldKeys = new Set(held.map((envelope) => journalKey(envelope)));
    const pending = this.#deps.journal
      .pending()
      .filter(
        (entry) =>
          `${entry.envelope.channel}/${entry.envelope.accountId}` === account && !heldKeys.has(entry.key),
      );
    for (const entry of pending) {
      if (entry.replays > MAX_REPLAYS) {
        void this.#deps.journal.markDone(entry.key, { status: "failed", reason: "replay-limit" });
        this.#deps.logger.error("giving up on a message that failed on every restart", { key: entry.key });
        continue;
      }
      this.#track(this.#process(entry.envelope, { sent: entry.sent, receivedAt: entry.receivedAt }));
    }
    this.#held.delete(account);
    for (const envelope of held) this.#track(this.#process(envelope));
    return pending.length;
  }

  /** Holds an account's new messages until replayAccount has queued its unfinished ones. */
  holdUntilReplayed(channel: string, accountId: string): void {
    const account = `${channel}/${accountId}`;
    if (!this.#replayed.has(account) && !this.#held.has(account)) this.#held.set(account, []);
    this.#replayed.add(account);
  }

  /**
   * Graceful shutdown: from now on inbound is journaled but not processed (the next run replays
   * it), and this waits for every message already being processed.
   */
  async drain(): Promise<void> {
    this.#closing = true;
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  #track(work: Promise<void>): void {
    this.#inFlight.add(work);
    void work.finally(() => this.#inFlight.delete(work));
  }

  async #process(envelope: JournaledEnvelope, replay?: Replay): Promise<void> {
    const key = journalKey(envelope);
    try {
      const outcome = await this.#handle(envelope, replay, key);
      await this.#deps.journal.markDone(key, outcome);
    } catch (error) {
      if (isShutdownAbort(error)) {
        // Not marked done: the next run replays it (parts already delivered are skipped).
        this.#deps.logger.info("turn cut short by shutdown; message kept for the next run", { key });
        return;
      }
      if (error instanceof LaneRejectedError) {
        this.#deps.metrics.drops.inc({ channel: envelope.channel, reason: "queue-full" });
      }
      const failure = toGatewayError(error);
      this.#deps.logger.error("message processing failed", {
        key,
        code: failure.code,
        reason: failure.message,
      });
      await this.#deps.journal.markDone(key, { status: "failed", reason: failure.message }).catch(() => {});
    }
  }

  async #handle(
    envelope: JournaledEnvelope,
    replay: Replay | undefined,
    key: string,
  ): Promise<{ status: "replied" } | { status: "dropped"; reason: string }> {
    const deps = this.#deps;
    const alreadySent = replay?.sent ?? {};
    const snapshot = deps.snapshot();
    const peerLabel = `${envelope.peer.kind}:${envelope.peer.id}`;
    const base = {
      at: this.#now(),
      channel: envelope.channel,
      accountId: envelope.accountId,
      peer: peerLabel,
      sender: envelope.sender.name ?? envelope.sender.id,
      text: envelope.text,
    };
    const dropped = (category: string, reason: string, extra: Record<string, unknown> = {}) => {
      deps.metrics.drops.inc({ channel: envelope.channel, reason: category });
      deps.logger.info("message dropped", {
        channel: envelope.channel,
        accountId: envelope.accountId,
        peer: peerLabel,
        reason,
      });
      deps.events.add({ ...base, kind: "inbound", dropped: reason, ...extra });
      return { status: "dropped" as const, reason };
    };

    const account = snapshot.account(envelope.channel, envelope.accountId);
    if (!account) return dropped("no-account", "account is not configured");

    // 2. Admission.
    const admission = decideAdmission(envelope as InboundEnvelope, account, deps.pairing);
    if (admission.verdict === "drop") return dropped("blocked", admission.reason);
    if (admission.verdict === "pairing") {
      const outcome = await answerPairing({
        pairing: deps.pairing,
        journal: deps.journal,
        send: (text) => this.#send(envelope, { text }),
        envelope,
        request: admission,
        replay,
        key,
      });
      return dropped("pairing", outcome);
    }

    // 3. Route.
    const { route, bindingIndex } = routeMessage(snapshot.router, envelope, admission.agentOverride);
    deps.metrics.routes.inc({ channel: envelope.channel, matched_by: route.matchedBy });
    const routed = {
      agentId: route.agentId,
      sessionKey: route.sessionKey,
      matchedBy: route.matchedBy,
      bindingIndex,
    };

    // 4. Trigger gating (groups only): unmentioned lines become pending history.
    const isGroup = envelope.peer.kind !== "direct";
    const historyKey = buildGroupHistoryKey({
      channel: envelope.channel,
      accountId: envelope.accountId,
      peerKind: envelope.peer.kind,
      peerId: envelope.peer.id,
    });
    if (isGroup) {
      const patterns = snapshot.mentionRegexes(route.agentId);
      const gate = resolveMentionGate({
        requireMention: admission.requireMention,
        canDetectMention: true,
        wasMentioned: envelope.mentionsBot || matchesMentionPatterns(envelope.text, patterns),
        implicitMention: envelope.replyToBot,
      });
      if (gate.skip) {
        const limit = resolveGroupHistoryLimit({ cfg: snapshot.config, accountConfig: account.settings });
        this.#history.push(historyKey, contextLine(envelope), limit);
        return dropped("not-mentioned", "not mentioned (kept as group history)", routed);
      }
    }
    // 5. Broadcast fan-out (WhatsApp only; core returns the plain route otherwise).
    const broadcast = resolveBroadcastRuns({
      cfg: snapshot.config,
      route,
      channel: envelope.channel,
      peer: envelope.peer,
    });
    for (const warning of broadcast.warnings) deps.logger.warn(warning);
    const runs: Run[] = broadcast.runs.map((run) => ({ agentId: run.agentId, sessionKey: run.sessionKey }));
    deps.events.add({
      ...base,
      kind: "inbound",
      ...routed,
      ...(runs.length > 1 ? { broadcastTo: runs.map((run) => run.agentId) } : {}),
    });
    const groupHistory = isGroup ? this.#history.take(historyKey) : [];

    // 6-9. One turn per run, in its session lane.
    const single = runs.length === 1;
    // A broadcast ignores one agent's failure (spec §5); a single turn's failure fails the message.
    const turn = (run: Run) =>
      this.#turn(envelope, run, route, groupHistory, alreadySent, key).catch((error: unknown) => {
        if (single || isShutdownAbort(error)) throw error;
        deps.logger.error(`Broadcast agent ${run.agentId} failed: ${toGatewayError(error).message}`);
      });
    if (!single) deps.logger.info(`Broadcasting message to ${runs.length} agents`);
    if (runs.length > 1 && resolveBroadcastStrategy(snapshot.config) === "sequential") {
      for (const run of runs) await turn(run);
    } else {
      await Promise.all(runs.map(turn));
    }
    return { status: "replied" };
  }

  async #turn(
    envelope: JournaledEnvelope,
    run: Run,
    route: ResolvedAgentRoute,
    groupHistory: GroupContextLine[],
    alreadySent: Record<string, string[]>,
    key: string,
  ): Promise<void> {
    const deps = this.#deps;
    const part = `reply:${run.agentId}`;
    if (alreadySent[part]) return;
    await deps.lanes.run(run.sessionKey, async (signal) => {
      const snapshot = deps.snapshot();
      const runtime = snapshot.runtime(run.agentId);
      const sessions = await deps.sessions(run.agentId);
      const started = this.#now();
      const past = await sessions.history(run.sessionKey, { limit: TRANSCRIPT_HISTORY });
      // A replay after a crash may find this very message already in the transcript.
      const alreadyLogged = past.some((entry) => entry.role === "user" && entry.messageId === envelope.id);
      const history = historyFor(past, envelope.id);
      const target = this.#target(envelope);
      const adapter = deps.adapter(envelope.channel, envelope.accountId);
      const stopTyping = keepTyping(adapter, target);
      let text: string;
      try {
        const workspaceDir = snapshot.agentPaths(run.agentId).workspace;
        const reply = await runtime.run(
          agentTurn(envelope, run, { groupHistory, history, workspaceDir }),
          signal,
        );
        text = reply.text;
      } catch (error) {
        stopTyping();
        // Shutdown, not the agent, ended the turn: no apology; the next run answers it.
        if (signal.aborted) throw signal.reason instanceof LaneRejectedError ? signal.reason : error;
        const failure = toGatewayError(error);
        deps.logger.error("agent failed", {
          agentId: run.agentId,
          code: failure.code,
          reason: failure.message,
        });
        text = AGENT_APOLOGY;
      }
      stopTyping();
      const routeInfo = { channel: envelope.channel, accountId: envelope.accountId, peer: envelope.peer };
      // The user's line is queued now (so it lands before the reply's) but not awaited before the
      // send: the journal is the durable record, and a new session's first append waits for the
      // session index on disk, which would otherwise sit in front of every first reply.
      const userLine = alreadyLogged
        ? Promise.resolve()
        : sessions.append(run.sessionKey, userTranscriptLine(envelope, route.matchedBy), routeInfo);
      // Handled here so a failure while the send is in flight is not an unhandled rejection; the
      // awaits below still throw it.
      userLine.catch(() => {});
      if (text.trim() === "") {
        await userLine;
        return;
      }
      let ids: string[];
      try {
        ids = await this.#send(envelope, {
          text,
          ...(envelope.peer.kind !== "direct" ? { replyToId: envelope.id } : {}),
        });
      } catch (error) {
        // What was delivered stays delivered: a replay must not send those chunks again.
        if (error instanceof PartialSendError) await deps.journal.markSent(key, part, [...error.sentIds]);
        throw error;
      }
      await deps.journal.markSent(key, part, ids);
      await userLine;
      await sessions.append(
        run.sessionKey,
        { role: "assistant", text, at: this.#now(), ...(ids[0] ? { messageId: ids[0] } : {}) },
        routeInfo,
      );
      deps.logger.info("reply sent", {
        channel: envelope.channel,
        accountId: envelope.accountId,
        agentId: run.agentId,
        sessionKey: run.sessionKey,
        parts: ids.length,
      });
      deps.metrics.turnSeconds.observe(
        { agent: run.agentId, runtime: runtime.type },
        (this.#now() - started) / 1000,
      );
      deps.events.add({
        at: this.#now(),
        kind: "reply",
        channel: envelope.channel,
        accountId: envelope.accountId,
        peer: `${envelope.peer.kind}:${envelope.peer.id}`,
        text,
        agentId: run.agentId,
        sessionKey: run.sessionKey,
      });
    });
  }

  #target(envelope: JournaledEnvelope): OutboundTarget {
    return {
      channel: envelope.channel,
      accountId: envelope.accountId,
      peer: envelope.peer,
      ...(envelope.threadId ? { threadId: envelope.threadId } : {}),
    };
  }

  /** Outbound through the account that received the message, and no other (account affinity). */
  async #send(envelope: JournaledEnvelope, message: { text: string; replyToId?: string }): Promise<string[]> {
    const { readyAdapter } = this.#deps;
    const adapter = readyAdapter
      ? await readyAdapter(envelope.channel, envelope.accountId)
      : this.#deps.adapter(envelope.channel, envelope.accountId);
    if (!adapter)
      throw new Error(`account ${envelope.channel}/${envelope.accountId} is not running; reply not sent`);
    const sent = await adapter.send(this.#target(envelope), message);
    this.#deps.metrics.outbound.inc(
      { channel: envelope.channel, account: envelope.accountId },
      sent.ids.length,
    );
    return sent.ids;
  }
}
