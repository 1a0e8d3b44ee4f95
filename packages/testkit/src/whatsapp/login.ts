import type { proto } from "baileys";
import { newMessageId } from "./actors.js";
import type { FakeConnection } from "./connection.js";
import type { LoginFaults } from "./faults.js";
import type { FakeAccountRecord } from "./model.js";
import { unixNow } from "./stanzas.js";

/**
 * Answers a client's login payload: an unregistered client gets `pair-device` refs (and shows a
 * QR); a registered one must be a linked companion whose Noise key matches, else `failure 401`.
 * A second login of the same companion replaces the first (`conflict type=replaced`, 440). A login
 * that `faults` refuses gets `failure <code>` whatever the credentials.
 */
export function handleLogin(
  connection: FakeConnection,
  payload: proto.ClientPayload,
  accounts: Map<string, FakeAccountRecord>,
  faults: LoginFaults,
): void {
  if (payload.username === null || payload.username === undefined) {
    connection.stage = "pairing";
    const refs = Array.from({ length: 5 }, () => newMessageId());
    connection.pairingRefs.push(...refs);
    connection.send({
      tag: "iq",
      attrs: { from: "s.whatsapp.net", type: "set", id: newMessageId() },
      content: [
        {
          tag: "pair-device",
          attrs: {},
          content: refs.map((ref) => ({ tag: "ref", attrs: {}, content: Buffer.from(ref) })),
        },
      ],
    });
    return;
  }
  const phone = String(payload.username);
  const deviceId = payload.device ?? 0;
  connection.phone = phone;
  connection.deviceId = deviceId;
  const refusal = faults.take(phone);
  if (refusal !== undefined) {
    connection.send({ tag: "failure", attrs: { reason: String(refusal), location: "fake" } });
    connection.close();
    return;
  }
  const account = accounts.get(phone);
  const companion = account?.companions.get(deviceId);
  const staticKey = connection.clientStatic;
  if (!account || !companion || !staticKey || !companion.noiseKey.equals(Buffer.from(staticKey))) {
    connection.send({ tag: "failure", attrs: { reason: "401", location: "fake" } });
    connection.close();
    return;
  }
  const previous = companion.connection;
  if (previous?.open) {
    previous.send({
      tag: "stream:error",
      attrs: {},
      content: [{ tag: "conflict", attrs: { type: "replaced" } }],
    });
    previous.close();
  }
  companion.connection = connection;
  connection.stage = "authenticated";
  connection.send({
    tag: "success",
    attrs: {
      t: unixNow(),
      lid: `${account.lid}:${deviceId}@lid`,
      props: "1",
      abprops: "1",
      location: "fake",
      creation: "1700000000",
    },
  });
}
