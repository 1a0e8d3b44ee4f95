/** What an injected fault does to a matching Web API call. */
export type SlackFaultKind =
  /** HTTP 429 with `Retry-After: <seconds>` and `{ok:false, error:"ratelimited"}`, as Slack sends. */
  | { type: "rateLimit"; retryAfterSec: number }
  /** HTTP 200 with `{ok:false, error}`: Slack's way for every platform error (invalid_auth, channel_not_found…). */
  | { type: "error"; error: string }
  /** A bare HTTP error status (a proxy or backend hiccup). */
  | { type: "http"; status: number };

export interface SlackFaultSpec {
  /** Only Web API calls to this method (default: any). */
  method?: string;
  /** Only calls made with this token (default: any). */
  token?: string;
  /** How many matching calls it affects (default 1). */
  times?: number;
  /** How many matching calls pass untouched first, counted from when the fault is added (default 0). */
  after?: number;
  kind: SlackFaultKind;
}

/** The response a fault turns a call into. */
export interface FaultResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

interface ActiveFault extends SlackFaultSpec {
  remaining: number;
  skip: number;
}

/** Scripted Web API faults, consumed in the order they were added. */
export class SlackFaults {
  readonly #faults: ActiveFault[] = [];

  add(spec: SlackFaultSpec): void {
    this.#faults.push({ ...spec, remaining: spec.times ?? 1, skip: spec.after ?? 0 });
  }

  clear(): void {
    this.#faults.length = 0;
  }

  /**
   * Consumes the first due fault matching this call and returns the response it causes. Every
   * matching call counts down the `after` of faults still waiting, faulted or not.
   */
  take(method: string, token: string | undefined): FaultResponse | undefined {
    let due: ActiveFault | undefined;
    for (const fault of this.#faults) {
      const matches =
        (fault.method === undefined || fault.method === method) &&
        (fault.token === undefined || fault.token === token);
      if (!matches) continue;
      if (fault.skip > 0) fault.skip -= 1;
      else due ??= fault;
    }
    if (!due) return undefined;
    due.remaining -= 1;
    if (due.remaining <= 0) this.#faults.splice(this.#faults.indexOf(due), 1);
    return responseOf(due.kind);
  }
}

function responseOf(kind: SlackFaultKind): FaultResponse {
  const json = { "content-type": "application/json; charset=utf-8" };
  switch (kind.type) {
    case "rateLimit":
      return {
        status: 429,
        headers: { ...json, "retry-after": String(kind.retryAfterSec) },
        body: JSON.stringify({ ok: false, error: "ratelimited" }),
      };
    case "error":
      return { status: 200, headers: json, body: JSON.stringify({ ok: false, error: kind.error }) };
    case "http":
      return { status: kind.status, headers: { "content-type": "text/plain" }, body: `HTTP ${kind.status}` };
  }
}
