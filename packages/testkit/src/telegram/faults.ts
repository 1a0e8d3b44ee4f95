import type { TgApiFailure } from "./wire.js";

/** What an injected fault does to a matching API call. */
export type FaultKind =
  /** 429 with `retry_after` seconds (scaled by the fake's `retryAfterUnitMs`). */
  | { type: "rateLimit"; retryAfter: number }
  /** A 5xx with a JSON body, as Telegram sends when its backend hiccups. */
  | { type: "serverError"; status?: number }
  /** A 502 with an HTML body, as a proxy in front of the API would send. */
  | { type: "badGateway" }
  /** 401 Unauthorized for this call only (see `revokeToken` for a permanent one). */
  | { type: "unauthorized" }
  /** Answer normally, but only after `delayMs`. */
  | { type: "slow"; delayMs: number }
  /** Destroy the socket without answering (a dropped connection or long poll). */
  | { type: "drop" }
  /** Any Bot API error, e.g. 400 "Bad Request: can't parse entities: …" or 403 "Forbidden: bot was blocked by the user". */
  | { type: "error"; code: number; description: string };

export interface FaultSpec {
  /** Only calls made with this bot's token (default: any bot). */
  token?: string;
  /** Only calls to this method (default: any method). */
  method?: string;
  /** How many matching calls it affects (default 1). */
  times?: number;
  kind: FaultKind;
}

interface ActiveFault extends FaultSpec {
  remaining: number;
}

interface FloodWindow {
  token: string;
  methods: string[] | undefined;
  until: number;
}

/** The decision for one call: answer with this failure, delay, drop, or go on. */
export type FaultOutcome =
  | { type: "fail"; status: number; body: TgApiFailure | string }
  | { type: "slow"; delayMs: number }
  | { type: "drop" }
  | undefined;

/** Holds scripted faults and flood windows and decides, per call, which one applies. */
export class FaultBook {
  readonly #faults: ActiveFault[] = [];
  readonly #floods: FloodWindow[] = [];
  readonly #unitMs: number;
  readonly #now: () => number;

  constructor(retryAfterUnitMs: number, now: () => number) {
    this.#unitMs = retryAfterUnitMs;
    this.#now = now;
  }

  add(spec: FaultSpec): void {
    this.#faults.push({ ...spec, remaining: spec.times ?? 1 });
  }

  /** For `retryAfter` units from now, every matching call of `token` gets 429 with the time left. */
  flood(token: string, retryAfter: number, methods?: string[]): void {
    this.#floods.push({ token, methods, until: this.#now() + retryAfter * this.#unitMs });
  }

  clear(): void {
    this.#faults.length = 0;
    this.#floods.length = 0;
  }

  /** Consumes and returns the fault for this call, if any. */
  take(token: string, method: string): FaultOutcome {
    const now = this.#now();
    const flood = this.#floods.find(
      (w) => w.token === token && w.until > now && (w.methods === undefined || w.methods.includes(method)),
    );
    if (flood) return rateLimited(Math.max(1, Math.ceil((flood.until - now) / this.#unitMs)));
    const index = this.#faults.findIndex(
      (f) => (f.token === undefined || f.token === token) && (f.method === undefined || f.method === method),
    );
    const fault = this.#faults[index];
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.#faults.splice(index, 1);
    return outcomeOf(fault.kind);
  }
}

function rateLimited(retryAfter: number): FaultOutcome {
  return {
    type: "fail",
    status: 429,
    body: {
      ok: false,
      error_code: 429,
      description: `Too Many Requests: retry after ${retryAfter}`,
      parameters: { retry_after: retryAfter },
    },
  };
}

function outcomeOf(kind: FaultKind): FaultOutcome {
  switch (kind.type) {
    case "rateLimit":
      return rateLimited(kind.retryAfter);
    case "serverError": {
      const status = kind.status ?? 500;
      return {
        type: "fail",
        status,
        body: { ok: false, error_code: status, description: "Internal Server Error" },
      };
    }
    case "badGateway":
      return { type: "fail", status: 502, body: "<html><body><h1>502 Bad Gateway</h1></body></html>" };
    case "unauthorized":
      return { type: "fail", status: 401, body: { ok: false, error_code: 401, description: "Unauthorized" } };
    case "slow":
      return { type: "slow", delayMs: kind.delayMs };
    case "drop":
      return { type: "drop" };
    case "error":
      return {
        type: "fail",
        status: kind.code,
        body: { ok: false, error_code: kind.code, description: kind.description },
      };
  }
}
