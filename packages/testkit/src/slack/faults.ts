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
}

/** Scripted Web API faults, consumed in the order they were added. */
export class SlackFaults {
  readonly #faults: ActiveFault[] = [];

  add(spec: SlackFaultSpec): void {
    this.#faults.push({ ...spec, remaining: spec.times ?? 1 });
  }

  clear(): void {
    this.#faults.length = 0;
  }

  /** Consumes the first fault matching this call and returns the response it causes. */
  take(method: string, token: string | undefined): FaultResponse | undefined {
    const index = this.#faults.findIndex(
      (f) => (f.method === undefined || f.method === method) && (f.token === undefined || f.token === token),
    );
    const fault = this.#faults[index];
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.#faults.splice(index, 1);
    return responseOf(fault.kind);
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
