import { type HttpDelivery, postSignedEvent, type SignatureMode } from "./http-events.js";
import type { SocketDelivery, SocketModeServer } from "./socket-mode.js";
import type { SlackEventCallback } from "./wire.js";
import type { SlackWorld } from "./world.js";

/** How to deliver an event: Socket Mode when the app is connected, else its HTTP event URL. */
export interface DeliveryOptions {
  via?: "auto" | "socket" | "http";
  /** HTTP only: how the request is signed (default valid). */
  signature?: SignatureMode;
  /** Marks the delivery as Slack's n-th retry (Socket Mode `retry_attempt`, HTTP `X-Slack-Retry-Num`). */
  retryNum?: number;
  retryReason?: string;
}

/** One event delivered to one app. */
export interface EventDelivery {
  appId: string;
  eventId: string;
  body: SlackEventCallback;
  result: SocketDelivery | HttpDelivery;
}

/** Carries events to apps the way Slack does: Socket Mode when the app is connected, else HTTP. */
export class Deliverer {
  readonly #world: SlackWorld;
  readonly #sockets: SocketModeServer;
  readonly #now: () => number;

  constructor(world: SlackWorld, sockets: SocketModeServer, now: () => number) {
    this.#world = world;
    this.#sockets = sockets;
    this.#now = now;
  }

  async deliver(appId: string, body: SlackEventCallback, options: DeliveryOptions): Promise<EventDelivery> {
    const app = this.#world.requireApp(appId);
    const via = options.via ?? "auto";
    const useSocket = via === "socket" || (via === "auto" && this.#sockets.connectionCount(appId) > 0);
    let result: SocketDelivery | HttpDelivery;
    if (useSocket) {
      result = await this.#sockets.send(appId, {
        type: "events_api",
        accepts_response_payload: false,
        retry_attempt: options.retryNum ?? 0,
        retry_reason: options.retryNum ? (options.retryReason ?? "timeout") : "",
        payload: body,
      });
    } else {
      if (!app.eventUrl)
        throw new Error(`Fake Slack: app ${appId} has no Socket Mode connection and no event URL`);
      result = await this.postRaw(appId, JSON.stringify(body), options);
    }
    return { appId, eventId: body.event_id, body, result };
  }

  postRaw(appId: string, rawBody: string, options: DeliveryOptions): Promise<HttpDelivery> {
    const app = this.#world.requireApp(appId);
    if (!app.eventUrl) throw new Error(`Fake Slack: app ${appId} has no event URL`);
    return postSignedEvent(app.eventUrl, rawBody, {
      signingSecret: app.signingSecret,
      nowMs: this.#now(),
      ...(options.signature ? { signature: options.signature } : {}),
      ...(options.retryNum !== undefined ? { retryNum: options.retryNum } : {}),
      ...(options.retryReason ? { retryReason: options.retryReason } : {}),
    });
  }

  rawEnvelope(appId: string, payload: unknown): Promise<SocketDelivery> {
    return this.#sockets.send(appId, {
      type: "events_api",
      accepts_response_payload: false,
      retry_attempt: 0,
      retry_reason: "",
      payload,
    });
  }
}
