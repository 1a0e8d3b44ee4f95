import { randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { join } from "node:path";
import { writeFileAtomic } from "../fs/index.js";

/** The token that authorises state-changing API calls; only the state dir's owner can read it. */
export const adminTokenPath = (stateDir: string) => join(stateDir, "state", "admin.token");

export async function createAdminToken(stateDir: string): Promise<string> {
  const token = randomBytes(24).toString("base64url");
  await writeFileAtomic(adminTokenPath(stateDir), `${token}\n`);
  return token;
}

export function hasAdminToken(req: IncomingMessage, token: string): boolean {
  const given = Buffer.from((req.headers.authorization ?? "").replace(/^Bearer\s+/i, ""));
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
