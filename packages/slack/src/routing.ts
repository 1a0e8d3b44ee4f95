function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** Team ids an Events API body may belong to, best first: the installations it was authorised for, then the body's own. */
export function teamIdsOf(body: Record<string, unknown>): string[] {
  const ids: string[] = [];
  const authorizations = body.authorizations;
  if (Array.isArray(authorizations)) {
    for (const a of authorizations) {
      const team = record(a)?.team_id;
      if (typeof team === "string") ids.push(team);
    }
  }
  for (const candidate of [body.team_id, record(body.team)?.id, record(body.event)?.team]) {
    if (typeof candidate === "string") ids.push(candidate);
  }
  return [...new Set(ids)];
}

/**
 * Routes by workspace among the accounts of one app. Slack sends all of an app's events to one
 * place (its Socket Mode connections, or its one Request URL) whatever the workspace, so whichever
 * account receives an event hands it to the account of that event's team.
 */
export class TeamRoutes<T> {
  readonly #routes = new Map<string, Map<string, T>>();

  /** Registers `target` for `teamId` under `appKey`; returns the unregister function. */
  add(appKey: string, teamId: string, target: T): () => void {
    let teams = this.#routes.get(appKey);
    if (!teams) {
      teams = new Map();
      this.#routes.set(appKey, teams);
    }
    teams.set(teamId, target);
    const registered = teams;
    return () => {
      if (registered.get(teamId) !== target) return;
      registered.delete(teamId);
      if (registered.size === 0 && this.#routes.get(appKey) === registered) this.#routes.delete(appKey);
    };
  }

  /** The target of the first of `teamIds` registered under `appKey`. */
  find(appKey: string, teamIds: readonly string[]): T | undefined {
    const teams = this.#routes.get(appKey);
    if (!teams) return undefined;
    for (const team of teamIds) {
      const target = teams.get(team);
      if (target !== undefined) return target;
    }
    return undefined;
  }

  /** Whether any account is registered under `appKey`. */
  has(appKey: string): boolean {
    return this.#routes.has(appKey);
  }

  /** Another target already registered for `teamId` under `appKey`. */
  get(appKey: string, teamId: string): T | undefined {
    return this.#routes.get(appKey)?.get(teamId);
  }
}
