import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { isSafeFileName } from "./file-names.js";

/** Where the pairing store keeps its JSON documents: whole-document, synchronous reads and writes. */
export interface PairingBackend {
  /** The parsed document, or undefined when missing (or unreadable JSON, see the file backend). */
  read(name: string): unknown;
  write(name: string, value: unknown): void;
}

/** Documents kept in memory as JSON text, so callers never share mutable objects with the store. */
export function createMemoryBackend(): PairingBackend {
  const files = new Map<string, string>();
  return {
    read: (name) => {
      const text = files.get(name);
      return text === undefined ? undefined : (JSON.parse(text) as unknown);
    },
    write: (name, value) => {
      files.set(name, JSON.stringify(value));
    },
  };
}

/**
 * Documents as files in `dir`. Writes are atomic (temp file in the same dir, mode 0600, then
 * rename); the dir is created with mode 0700 on first write. A file holding invalid JSON is moved
 * aside to `<name>.corrupt` and read as missing, so the next write cannot silently destroy it.
 * Names are checked against the generated pattern and resolved paths must stay inside `dir`.
 */
export function createFileBackend(dir: string): PairingBackend {
  const root = path.resolve(dir);
  const resolve = (name: string): string => {
    const file = path.resolve(root, name);
    if (!isSafeFileName(name) || path.dirname(file) !== root) {
      throw new Error(`pairing: refusing file name outside the store: ${JSON.stringify(name)}`);
    }
    return file;
  };
  return {
    read: (name) => {
      const file = resolve(name);
      let text: string;
      try {
        text = readFileSync(file, "utf8");
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw error;
      }
      try {
        return JSON.parse(text) as unknown;
      } catch {
        renameSync(file, `${file}.corrupt`);
        return undefined;
      }
    },
    write: (name, value) => {
      const file = resolve(name);
      mkdirSync(root, { recursive: true, mode: 0o700 });
      const temp = `${file}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
      try {
        writeFileSync(temp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
        renameSync(temp, file);
      } catch (error) {
        try {
          unlinkSync(temp);
        } catch {
          // The temp file may never have been created.
        }
        throw error;
      }
    },
  };
}
