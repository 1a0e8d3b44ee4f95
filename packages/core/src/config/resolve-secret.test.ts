import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors.js";
import { resolveSecret } from "./resolve-secret.js";

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return `${error.issues[0]?.path} | ${error.issues[0]?.message}`;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("resolveSecret", () => {
  it("returns literals trimmed, and undefined for missing or blank input", () => {
    expect(resolveSecret(" tok ", {})).toBe("tok");
    expect(resolveSecret(undefined, {})).toBeUndefined();
    expect(resolveSecret("   ", {})).toBeUndefined();
  });

  it("reads env SecretRefs", () => {
    expect(resolveSecret({ source: "env", provider: "default", id: "A_TOKEN" }, { A_TOKEN: "v" })).toBe("v");
  });

  it("names the path and the variable when an env var is missing or blank", () => {
    const message = messageOf(() =>
      resolveSecret({ source: "env", id: "GONE" }, { GONE: " " }, { path: "channels.discord.token" }),
    );
    expect(message).toBe(
      "channels.discord.token | environment variable GONE is not set (referenced by channels.discord.token)",
    );
  });

  it("reads file SecretRefs through the injected reader, never by itself", () => {
    const files: Record<string, string> = {
      "/s/token": "file-token\n",
      "/s/all.json": '{"providers":{"tg":{"a/b":"ptr"}}}',
    };
    const readFile = (p: string) => {
      const content = files[p];
      if (content === undefined) throw new Error(`ENOENT ${p}`);
      return content;
    };
    expect(resolveSecret({ source: "file", id: "/s/token" }, {}, { readFile })).toBe("file-token");
    const providers = { vault: { source: "file", path: "/s/all.json", mode: "json" } };
    expect(
      resolveSecret(
        { source: "file", provider: "vault", id: "/providers/tg/a~1b" },
        {},
        { readFile, providers },
      ),
    ).toBe("ptr");
    expect(
      messageOf(() => resolveSecret({ source: "file", id: "/s/none" }, {}, { readFile, path: "p" })),
    ).toContain("file secret /s/none could not be read");
    expect(messageOf(() => resolveSecret({ source: "file", id: "/s/token" }, {}, { path: "p" }))).toContain(
      "no file reader",
    );
  });

  it("rejects exec SecretRefs as unsupported", () => {
    expect(
      messageOf(() => resolveSecret({ source: "exec", provider: "op", id: "x" }, {}, { path: "p" })),
    ).toContain('secret source "exec" is not supported');
  });
});
