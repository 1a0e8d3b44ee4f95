import { generateMessageID, jidEncode, type proto } from "baileys";
import type { FakeDevice } from "./device.js";
import { type TextOptions, textMessage } from "./stanzas.js";

/** What a scripted inbound message may carry besides its content. */
export interface DeliveryOptions {
  /** Message id (default: a fresh one). */
  id?: string;
  /** Address the sender by LID (`from=…@lid`, `sender_pn`) instead of by phone number. */
  addressing?: "pn" | "lid";
  /** Deliver the message a second time with the same id (a redelivery after a retry). */
  deliverTwice?: boolean;
}

export interface DeliveredMessage {
  id: string;
}

/** The server side the actors talk through (implemented by `FakeWhatsAppServer`). */
export interface DeliveryRouter {
  deliverDirect(
    sender: { device: FakeDevice; name: string },
    accountPhone: string,
    message: proto.IMessage,
    options: DeliveryOptions & {
      /** The owner writes in their own chat ("Message yourself"). */
      selfChat?: boolean;
      /** The owner writes to this chat JID on their phone; linked devices get it as their own. */
      ownerTo?: string;
    },
  ): Promise<DeliveredMessage>;
  deliverGroup(
    group: FakeGroup,
    sender: FakeContact,
    message: proto.IMessage,
    options: DeliveryOptions,
  ): Promise<DeliveredMessage>;
}

/** A WhatsApp user (their phone) who can write to the bot's numbers and read its replies. */
export class FakeContact {
  readonly phone: string;
  readonly name: string;
  readonly device: FakeDevice;
  readonly #router: DeliveryRouter;

  constructor(device: FakeDevice, name: string, router: DeliveryRouter) {
    this.phone = device.user;
    this.name = name;
    this.device = device;
    this.#router = router;
  }

  /** `user@s.whatsapp.net` */
  get jid(): string {
    return jidEncode(this.phone, "s.whatsapp.net");
  }

  get lid(): string | undefined {
    return this.device.lid;
  }

  /** `lid@lid`, when the contact has a LID. */
  get lidJid(): string | undefined {
    return this.device.lid ? jidEncode(this.device.lid, "lid") : undefined;
  }

  /** "User X says Y" to the bot number `accountPhone`. */
  say(
    accountPhone: string,
    text: string,
    options: DeliveryOptions & TextOptions = {},
  ): Promise<DeliveredMessage> {
    return this.send(accountPhone, textMessage(text, options), options);
  }

  /** Sends any message content (an image with a caption, a document, …) to `accountPhone`. */
  send(
    accountPhone: string,
    message: proto.IMessage,
    options: DeliveryOptions = {},
  ): Promise<DeliveredMessage> {
    return this.#router.deliverDirect(
      { device: this.device, name: this.name },
      accountPhone,
      message,
      options,
    );
  }
}

/** A group with fake contacts and one or more of the bot's numbers as members. */
export class FakeGroup {
  readonly jid: string;
  readonly subject: string;
  readonly members: FakeContact[];
  readonly accounts: string[];
  readonly addressingMode: "pn" | "lid";
  readonly #router: DeliveryRouter;
  /** Which (sender, companion) pairs already hold the sender's group key. */
  readonly distributed = new Set<string>();

  constructor(
    init: {
      jid: string;
      subject: string;
      members: FakeContact[];
      accounts: string[];
      addressingMode: "pn" | "lid";
    },
    router: DeliveryRouter,
  ) {
    this.jid = init.jid;
    this.subject = init.subject;
    this.members = init.members;
    this.accounts = init.accounts;
    this.addressingMode = init.addressingMode;
    this.#router = router;
  }

  /** `sender` writes `text` in the group. */
  say(
    sender: FakeContact,
    text: string,
    options: DeliveryOptions & TextOptions = {},
  ): Promise<DeliveredMessage> {
    return this.#router.deliverGroup(this, sender, textMessage(text, options), options);
  }

  send(
    sender: FakeContact,
    message: proto.IMessage,
    options: DeliveryOptions = {},
  ): Promise<DeliveredMessage> {
    return this.#router.deliverGroup(this, sender, message, options);
  }
}

export function newMessageId(): string {
  return generateMessageID();
}

/** One of the bot's WhatsApp numbers, as the fake knows it: the owner's phone and linked companions. */
export class FakeAccount {
  readonly #record: import("./model.js").FakeAccountRecord;
  readonly #router: DeliveryRouter;

  constructor(record: import("./model.js").FakeAccountRecord, router: DeliveryRouter) {
    this.#record = record;
    this.#router = router;
  }

  get phone(): string {
    return this.#record.phone;
  }

  get lid(): string {
    return this.#record.lid;
  }

  /** `phone@s.whatsapp.net` */
  get jid(): string {
    return jidEncode(this.#record.phone, "s.whatsapp.net");
  }

  /** `lid@lid` */
  get lidJid(): string {
    return jidEncode(this.#record.lid, "lid");
  }

  /** The owner's phone (device 0). */
  get primary(): FakeDevice {
    return this.#record.primary;
  }

  /** Device ids of the companions (linked devices) currently linked to this number. */
  get linkedDevices(): number[] {
    return [...this.#record.companions.keys()];
  }

  /**
   * The owner types to `to` on their phone. Linked devices receive it as a message of their own
   * (`fromMe`), in the chat with `to`.
   */
  sayFromPhone(
    to: FakeContact,
    text: string,
    options: DeliveryOptions & TextOptions = {},
  ): Promise<DeliveredMessage> {
    return this.#router.deliverDirect(
      { device: this.#record.primary, name: "Owner" },
      this.#record.phone,
      textMessage(text, options),
      { ...options, ownerTo: to.jid },
    );
  }

  /** The owner writes in their own chat ("Message yourself"), which the bot sees as self-chat. */
  sayToSelf(text: string, options: DeliveryOptions & TextOptions = {}): Promise<DeliveredMessage> {
    return this.#router.deliverDirect(
      { device: this.#record.primary, name: "Owner" },
      this.#record.phone,
      textMessage(text, options),
      { ...options, selfChat: true },
    );
  }
}
