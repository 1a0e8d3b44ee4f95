/** One line of the console's "recent messages": an inbound with its decision, or a reply. */
export interface GatewayEvent {
  at: number;
  kind: "inbound" | "reply";
  channel: string;
  accountId: string;
  /** `kind:id` of the chat. */
  peer: string;
  sender?: string;
  text: string;
  agentId?: string;
  sessionKey?: string;
  matchedBy?: string;
  bindingIndex?: number | null;
  /** The agents a broadcast sent this message to (when more than one). */
  broadcastTo?: string[];
  /** Why the message went no further (blocked, not mentioned, duplicate, …). */
  dropped?: string;
}

/** A bounded ring of recent events for the console; never persisted. */
export class EventLog {
  readonly #events: GatewayEvent[] = [];
  readonly #limit: number;

  constructor(limit = 200) {
    this.#limit = limit;
  }

  add(event: GatewayEvent): void {
    this.#events.push(event);
    if (this.#events.length > this.#limit) this.#events.shift();
  }

  recent(): GatewayEvent[] {
    return [...this.#events];
  }
}
