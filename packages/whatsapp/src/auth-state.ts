import { chmod, mkdir, readdir, readFile, rename, rm, stat, unlink, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { GatewayError } from "@patchbay/core";
import {
  type AuthenticationCreds,
  type AuthenticationState,
  decodeAuthJson,
  encodeAuthJson,
  jidDecode,
  newCredentials,
  reviveKey,
  type SignalDataSet,
  type SignalDataTypeMap,
} from "./client.js";

const DIR_MODE = 0o700;
const FILE_MODE = 0o600;

/** The number a channel is linked to. */
export interface WhatsAppIdentity {
  /** E.164, `+` and digits. */
  phone: string;
  /** The companion device JID (`<digits>:<device>@s.whatsapp.net`). */
  jid: string;
  /** The LID JID, when WhatsApp sent it. */
  lid: string | undefined;
}

/** Who saved credentials say this device is (undefined before a link sets `me`). */
export function identityOf(creds: AuthenticationCreds): WhatsAppIdentity | undefined {
  const me = creds.me;
  const user = me?.id ? jidDecode(me.id)?.user : undefined;
  return me?.id && user ? { phone: `+${user}`, jid: me.id, lid: me.lid ?? undefined } : undefined;
}

/** One account's Baileys auth state on disk, plus how to persist credential updates. */
export interface AuthStore {
  readonly state: AuthenticationState;
  /** True when the credentials belong to a linked device (`creds.me` is set). */
  readonly linked: boolean;
  saveCreds(): Promise<void>;
  /** Resolves when every pending write reached the disk. */
  flush(): Promise<void>;
}

/**
 * File name of one key, compatible with Baileys' `useMultiFileAuthState` (and so with OpenClaw's
 * `credentials/whatsapp/<account>/`): `/` becomes `__` and `:` becomes `-`. Anything else that could
 * act as a path separator is refused, so a platform id never escapes the folder.
 */
export function authFileName(type: string, id?: string): string {
  const raw = id === undefined ? `${type}.json` : `${type}-${id}.json`;
  const name = raw.replace(/\//g, "__").replace(/:/g, "-");
  if (name.includes("\\") || name.includes("\0") || basename(name) !== name || name.startsWith(".")) {
    throw new GatewayError("STATE_ERROR", "refusing an auth key id that is not a plain file name");
  }
  return name;
}

/**
 * Credentials of a finished link: `me` plus the account's signed device identity. A pairing-code
 * request sets `me` early, so `me` alone does not mean linked.
 */
export function isLinked(creds: AuthenticationCreds): boolean {
  return Boolean(creds.me?.id && creds.account);
}

/** Serialises writes per file; each write goes to a temp file (mode 0600) renamed into place. */
class FileWriter {
  readonly #dir: string;
  readonly #chains = new Map<string, Promise<void>>();
  #counter = 0;

  constructor(dir: string) {
    this.#dir = dir;
  }

  write(name: string, contents: string | undefined): Promise<void> {
    const path = join(this.#dir, name);
    const previous = this.#chains.get(name) ?? Promise.resolve();
    const next = previous.then(async () => {
      if (contents === undefined) {
        await unlink(path).catch(() => {});
        return;
      }
      const temp = join(this.#dir, `.${name}.${process.pid}.${++this.#counter}.tmp`);
      await writeFile(temp, contents, { mode: FILE_MODE });
      await rename(temp, path);
    });
    const settled = next.catch(() => {});
    this.#chains.set(name, settled);
    void settled.then(() => {
      if (this.#chains.get(name) === settled) this.#chains.delete(name);
    });
    return next;
  }

  /** Resolves when every queued write has finished. */
  async flush(): Promise<void> {
    await Promise.all([...this.#chains.values()]);
  }
}

async function readJson(path: string): Promise<unknown> {
  try {
    return decodeAuthJson(await readFile(path, "utf8"));
  } catch {
    return undefined;
  }
}

/** Creates `dir` owner-only, and tightens an existing folder and files (e.g. copied from OpenClaw). */
async function secureDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: DIR_MODE });
  const info = await stat(dir);
  if (!info.isDirectory()) throw new GatewayError("STATE_ERROR", "the WhatsApp auth path is not a directory");
  await chmod(dir, DIR_MODE);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    // A write of a socket still closing may rename its temp file away between readdir and chmod.
    if (entry.isFile()) await chmod(join(dir, entry.name), FILE_MODE).catch(ignoreMissing);
  }
}

function ignoreMissing(error: unknown): void {
  if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
}

/**
 * Opens (creating if needed) the multi-file auth state in `dir`: `creds.json` plus one
 * `<type>-<id>.json` per Signal key, the layout Baileys and OpenClaw use. Folder 0700, files 0600.
 */
export async function openAuthStore(dir: string): Promise<AuthStore> {
  await secureDir(dir);
  const writer = new FileWriter(dir);
  const stored = await readJson(join(dir, authFileName("creds")));
  const creds: AuthenticationCreds = (stored as AuthenticationCreds | undefined) ?? newCredentials();
  const state: AuthenticationState = {
    creds,
    keys: {
      async get<T extends keyof SignalDataTypeMap>(type: T, ids: string[]) {
        const out: { [id: string]: SignalDataTypeMap[T] } = {};
        await Promise.all(
          ids.map(async (id) => {
            const value = await readJson(join(dir, authFileName(type, id)));
            if (value !== undefined && value !== null) out[id] = reviveKey(type, value);
          }),
        );
        return out;
      },
      async set(data: SignalDataSet) {
        const writes: Promise<void>[] = [];
        for (const type of Object.keys(data) as Array<keyof SignalDataTypeMap>) {
          for (const [id, value] of Object.entries(data[type] ?? {})) {
            writes.push(writer.write(authFileName(type, id), value ? encodeAuthJson(value) : undefined));
          }
        }
        await Promise.all(writes);
      },
    },
  };
  return {
    state,
    get linked() {
      return isLinked(state.creds);
    },
    saveCreds: () => writer.write(authFileName("creds"), encodeAuthJson(state.creds)),
    flush: () => writer.flush(),
  };
}

/** Writes `creds` as the account's credentials (used to install credentials from elsewhere). */
export async function writeCredentials(dir: string, creds: AuthenticationCreds): Promise<void> {
  await secureDir(dir);
  await new FileWriter(dir).write(authFileName("creds"), encodeAuthJson(creds));
}

/** Removes every auth file in `dir` (a fresh login after the device was unlinked). */
export async function clearAuthStore(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await secureDir(dir);
}

/**
 * Where a relink builds the new credentials: a hidden sibling of `dir`, so the current link keeps
 * working (and stays on disk) until WhatsApp accepted the new one.
 */
export function relinkStagingDir(dir: string): string {
  return join(dirname(dir), `.${basename(dir)}.relink`);
}

/** Deletes an auth folder and everything in it (an abandoned relink). */
export async function removeAuthStore(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/**
 * Makes the credentials in `staging` the account's, replacing those in `dir`: the old folder is
 * moved aside, the new one renamed into place, and only then is the old one deleted; if the
 * rename fails, the old folder is put back.
 */
export async function promoteAuthStore(staging: string, dir: string): Promise<void> {
  const retired = join(dirname(dir), `.${basename(dir)}.old`);
  await rm(retired, { recursive: true, force: true });
  const hadOld = await rename(dir, retired).then(
    () => true,
    (error: unknown) => {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
      throw error;
    },
  );
  try {
    await rename(staging, dir);
  } catch (error) {
    if (hadOld) await rename(retired, dir);
    throw error;
  }
  await rm(retired, { recursive: true, force: true });
}
