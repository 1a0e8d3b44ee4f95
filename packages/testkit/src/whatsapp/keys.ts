import type { SignalDataSet, SignalDataTypeMap, SignalKeyStore } from "baileys";

type Stored = { [T in keyof SignalDataTypeMap]?: Map<string, SignalDataTypeMap[T]> };

/** An in-memory Signal key store for fake devices (their keys never touch the disk). */
export function createMemoryKeyStore(): SignalKeyStore {
  const stored: Stored = {};
  const bucket = <T extends keyof SignalDataTypeMap>(type: T): Map<string, SignalDataTypeMap[T]> => {
    const existing = stored[type] as Map<string, SignalDataTypeMap[T]> | undefined;
    if (existing) return existing;
    const created = new Map<string, SignalDataTypeMap[T]>();
    (stored as Record<string, unknown>)[type] = created;
    return created;
  };
  return {
    get<T extends keyof SignalDataTypeMap>(type: T, ids: string[]) {
      const map = bucket(type);
      const out: { [id: string]: SignalDataTypeMap[T] } = {};
      for (const id of ids) {
        const value = map.get(id);
        if (value !== undefined) out[id] = value;
      }
      return out;
    },
    set(data: SignalDataSet) {
      for (const type of Object.keys(data) as Array<keyof SignalDataTypeMap>) {
        const map = bucket(type) as Map<string, unknown>;
        for (const [id, value] of Object.entries(data[type] ?? {})) {
          if (value === null || value === undefined) map.delete(id);
          else map.set(id, value);
        }
      }
    },
  };
}
