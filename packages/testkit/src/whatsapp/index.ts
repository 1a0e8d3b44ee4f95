export {
  type DeliveredMessage,
  type DeliveryOptions,
  FakeAccount,
  FakeContact,
  FakeGroup,
} from "./actors.js";
export type { FakeConnection } from "./connection.js";
export { FakeDevice, type FakeDeviceOptions } from "./device.js";
export type { DisconnectFault, PresenceRecord, SentRecord } from "./model.js";
export { type PairingQr, parsePairingQr } from "./pairing.js";
export { createKeyPair, createTestPki, type TestPki, type TestPkiOptions } from "./pki.js";
export { FakeWhatsAppServer, type FakeWhatsAppServerOptions } from "./server.js";
export { messageText, type TextOptions } from "./stanzas.js";
