import {
  type BinaryNode,
  getBinaryNodeChild,
  getBinaryNodeChildBuffer,
  getBinaryNodeChildren,
  jidDecode,
} from "baileys";
import type { FakeContact, FakeGroup } from "./actors.js";
import type { FakeConnection } from "./connection.js";
import type { CompanionRecord, FakeAccountRecord } from "./model.js";
import { PairingCodeExchange } from "./pairing.js";
import { children, companionBundleNode, iqResult, parseKeyUpload } from "./stanzas.js";

/** What the iq handlers need from the server. */
export interface IqContext {
  connection: FakeConnection;
  accounts: Map<string, FakeAccountRecord>;
  contacts: Map<string, FakeContact>;
  groups: Map<string, FakeGroup>;
  lidToPhone: Map<string, string>;
  groupQueries: Map<string, number>;
  codeExchanges: Map<FakeConnection, { phone: string; exchange: PairingCodeExchange }>;
  newCompanion(deviceId: number, noiseKey: Buffer): CompanionRecord;
  flushPending(companion: CompanionRecord, companionJid: string): Promise<void>;
  pairSuccessFor(phone: string, companionIdentity: Uint8Array, advSecret: Uint8Array): BinaryNode;
}

function companionOf(ctx: IqContext): CompanionRecord | undefined {
  const { phone, deviceId } = ctx.connection;
  if (!phone || deviceId === undefined) return undefined;
  return ctx.accounts.get(phone)?.companions.get(deviceId);
}

/** Answers one iq from the client, the way WhatsApp's server would for the parts Baileys uses. */
export async function handleIq(ctx: IqContext, node: BinaryNode): Promise<void> {
  const { connection } = ctx;
  const type = node.attrs.type;
  const xmlns = node.attrs.xmlns;
  if (type === "result" || type === "error") {
    if (getBinaryNodeChild(node, "pair-device-sign")) onPairDeviceSigned(ctx);
    return;
  }
  if (xmlns === "encrypt") {
    connection.send(onEncrypt(ctx, node));
    return;
  }
  if (xmlns === "passive") {
    connection.send(iqResult(node));
    const companion = companionOf(ctx);
    if (companion && connection.phone) {
      await ctx.flushPending(companion, `${connection.phone}:${companion.deviceId}@s.whatsapp.net`);
    }
    return;
  }
  if (xmlns === "usync") {
    connection.send(onUsync(ctx, node));
    return;
  }
  if (xmlns === "w:g2" && type === "get") {
    connection.send(onGroupQuery(ctx, node));
    return;
  }
  if (xmlns === "md") {
    const reg = getBinaryNodeChild(node, "link_code_companion_reg");
    if (reg) {
      await onLinkCode(ctx, node, reg);
      return;
    }
  }
  connection.send(iqResult(node));
}

/** The companion signed its device identity: link it and ask for the restart (515), as WhatsApp does. */
function onPairDeviceSigned(ctx: IqContext): void {
  const { connection } = ctx;
  const account = connection.phone ? ctx.accounts.get(connection.phone) : undefined;
  const staticKey = connection.clientStatic;
  if (account && connection.deviceId !== undefined && staticKey) {
    account.companions.set(
      connection.deviceId,
      ctx.newCompanion(connection.deviceId, Buffer.from(staticKey)),
    );
  }
  connection.send({ tag: "stream:error", attrs: { code: "515" } });
  connection.close();
}

function onEncrypt(ctx: IqContext, node: BinaryNode): BinaryNode {
  const companion = companionOf(ctx);
  if (getBinaryNodeChild(node, "count")) {
    // Never report 0: Baileys would then generate and upload 812 keys; 1..5 makes it upload 5.
    const held = companion?.bundle?.preKeys.size ?? 0;
    return iqResult(node, [{ tag: "count", attrs: { value: String(Math.max(1, held)) } }]);
  }
  if (node.attrs.type === "set" && getBinaryNodeChild(node, "list")) {
    const upload = parseKeyUpload(node);
    if (companion && upload) {
      if (companion.bundle) for (const [id, key] of upload.preKeys) companion.bundle.preKeys.set(id, key);
      else companion.bundle = upload;
    }
    return iqResult(node);
  }
  if (getBinaryNodeChild(node, "digest")) return iqResult(node, [{ tag: "digest", attrs: {} }]);
  const keyRequest = getBinaryNodeChild(node, "key");
  if (keyRequest) {
    const users = getBinaryNodeChildren(keyRequest, "user").flatMap((user) => {
      const jid = user.attrs.jid;
      const bundle = jid ? bundleFor(ctx, jid) : undefined;
      return bundle ? [bundle] : [];
    });
    return iqResult(node, [{ tag: "list", attrs: {}, content: users }]);
  }
  return iqResult(node);
}

function bundleFor(ctx: IqContext, jid: string): BinaryNode | undefined {
  const decoded = jidDecode(jid);
  if (!decoded) return undefined;
  const phone = decoded.server === "lid" ? ctx.lidToPhone.get(decoded.user) : decoded.user;
  if (!phone) return undefined;
  const device = decoded.device ?? 0;
  if (device === 0) {
    const owner = ctx.contacts.get(phone)?.device ?? ctx.accounts.get(phone)?.primary;
    return owner?.bundleNode(jid);
  }
  const bundle = ctx.accounts.get(phone)?.companions.get(device)?.bundle;
  if (!bundle) return undefined;
  return companionBundleNode(jid, bundle, () => {
    const next = bundle.preKeys.entries().next();
    if (next.done) return undefined;
    bundle.preKeys.delete(next.value[0]);
    return next.value;
  });
}

/** Device lists (and LIDs) per user: contacts have their phone; accounts their phone and companions. */
function onUsync(ctx: IqContext, node: BinaryNode): BinaryNode {
  const usync = getBinaryNodeChild(node, "usync");
  const protocols = children(getBinaryNodeChild(usync, "query")).map((q) => q.tag);
  const users = getBinaryNodeChildren(getBinaryNodeChild(usync, "list"), "user").map((user): BinaryNode => {
    const jid = user.attrs.jid ?? "";
    const decoded = jidDecode(jid);
    const phone = decoded?.server === "lid" ? ctx.lidToPhone.get(decoded.user) : decoded?.user;
    const account = phone ? ctx.accounts.get(phone) : undefined;
    const contact = phone ? ctx.contacts.get(phone) : undefined;
    const content: BinaryNode[] = [];
    if (protocols.includes("devices")) {
      const devices: BinaryNode[] = [];
      if (account || contact) devices.push({ tag: "device", attrs: { id: "0" } });
      for (const companion of account?.companions.values() ?? []) {
        if (companion.bundle)
          devices.push({ tag: "device", attrs: { id: String(companion.deviceId), "key-index": "1" } });
      }
      content.push({
        tag: "devices",
        attrs: {},
        content: [{ tag: "device-list", attrs: {}, content: devices }],
      });
    }
    const lid = account?.lid ?? contact?.lid;
    if (protocols.includes("lid") && lid) content.push({ tag: "lid", attrs: { val: `${lid}@lid` } });
    return { tag: "user", attrs: { jid }, content };
  });
  return iqResult(node, [
    {
      tag: "usync",
      attrs: {
        sid: usync?.attrs.sid ?? "",
        mode: usync?.attrs.mode ?? "query",
        context: usync?.attrs.context ?? "",
        index: "0",
        last: "true",
      },
      content: [
        { tag: "result", attrs: {}, content: protocols.map((tag) => ({ tag, attrs: {} })) },
        { tag: "list", attrs: {}, content: users },
      ],
    },
  ]);
}

function onGroupQuery(ctx: IqContext, node: BinaryNode): BinaryNode {
  const jid = node.attrs.to ?? "";
  const group = ctx.groups.get(jid);
  if (!group) {
    return {
      tag: "iq",
      attrs: { id: node.attrs.id ?? "", type: "error", from: jid },
      content: [{ tag: "error", attrs: { code: "404", text: "item-not-found" } }],
    };
  }
  ctx.groupQueries.set(jid, (ctx.groupQueries.get(jid) ?? 0) + 1);
  const lidMode = group.addressingMode === "lid";
  const participants: BinaryNode[] = [
    ...group.members.map((m, i) => ({
      tag: "participant",
      attrs: {
        jid: lidMode && m.lidJid ? m.lidJid : m.jid,
        ...(lidMode ? { phone_number: m.jid } : {}),
        ...(i === 0 ? { type: "superadmin" } : {}),
      },
    })),
    ...group.accounts.map((phone): BinaryNode => {
      const account = ctx.accounts.get(phone);
      const pn = `${phone}@s.whatsapp.net`;
      const attrs: Record<string, string> =
        lidMode && account ? { jid: `${account.lid}@lid`, phone_number: pn } : { jid: pn };
      return { tag: "participant", attrs };
    }),
  ];
  const creator = group.members[0]?.jid ?? "";
  return iqResult(node, [
    {
      tag: "group",
      attrs: {
        id: jid.split("@")[0] ?? "",
        subject: group.subject,
        s_t: "1700000000",
        s_o: creator,
        creation: "1700000000",
        creator,
        addressing_mode: group.addressingMode,
      },
      content: participants,
    },
  ]);
}

/** The pairing-code exchange: `companion_hello` starts it, `companion_finish` completes it. */
async function onLinkCode(ctx: IqContext, node: BinaryNode, reg: BinaryNode): Promise<void> {
  const { connection } = ctx;
  const stage = reg.attrs.stage;
  if (stage === "companion_hello") {
    const phone = jidDecode(reg.attrs.jid ?? "")?.user;
    const wrapped = getBinaryNodeChildBuffer(reg, "link_code_pairing_wrapped_companion_ephemeral_pub");
    const account = phone ? ctx.accounts.get(phone) : undefined;
    if (!phone || !wrapped || !account) {
      connection.send({
        tag: "iq",
        attrs: { id: node.attrs.id ?? "", type: "error" },
        content: [{ tag: "error", attrs: { code: "400", text: "bad-request" } }],
      });
      return;
    }
    const exchange = new PairingCodeExchange(account.primary, wrapped);
    ctx.codeExchanges.set(connection, { phone, exchange });
    connection.send(
      iqResult(node, [
        {
          tag: "link_code_companion_reg",
          attrs: {},
          content: [{ tag: "link_code_pairing_ref", attrs: {}, content: Buffer.from(exchange.ref) }],
        },
      ]),
    );
    return;
  }
  if (stage === "companion_finish") {
    const entry = ctx.codeExchanges.get(connection);
    if (!entry) {
      connection.send(iqResult(node));
      return;
    }
    const { advSecret, companionIdentity } = entry.exchange.finish(reg);
    connection.send(iqResult(node));
    connection.send(ctx.pairSuccessFor(entry.phone, companionIdentity, advSecret));
    return;
  }
  connection.send(iqResult(node));
}
