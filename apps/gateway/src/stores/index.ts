export { FileKeyValueStore, openFileKeyValueStore, prefixedStore } from "./file-kv-store.js";
export {
  InboundJournal,
  type InboundJournalOptions,
  type JournaledEnvelope,
  type JournalOutcome,
  journalKey,
  openInboundJournal,
  type PendingInbound,
} from "./inbound-journal.js";
export {
  Counter,
  DEFAULT_BUCKETS,
  escapeLabelValue,
  Gauge,
  type GaugeOptions,
  Histogram,
  type HistogramOptions,
  type Labels,
  type MetricOptions,
  MetricsRegistry,
  PROMETHEUS_CONTENT_TYPE,
} from "./metrics.js";
export {
  openSessionStore,
  type SessionIndexEntry,
  type SessionRoute,
  SessionScopeError,
  SessionStore,
  type SessionStoreOptions,
  type TranscriptEntry,
} from "./session-store.js";
