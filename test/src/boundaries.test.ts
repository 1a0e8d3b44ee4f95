import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * Dependencies point one way (DESIGN.md): core imports no SDK and no package of ours; a channel
 * package imports only core (its tests may use the testkit); only the gateway knows the adapters.
 */
const root = fileURLToPath(new URL("../../", import.meta.url));
const SDKS = ["discord.js", "@discordjs/", "grammy", "baileys", "@whiskeysockets/baileys", "@slack/"];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith(".ts") ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/(?:from|import)\s*\(?\s*["']([^"']+)["']/g)].map((m) => m[1] ?? "");
}

function violations(pkg: string, allowed: (specifier: string, file: string) => boolean): string[] {
  return sourceFiles(join(root, pkg, "src")).flatMap((file) =>
    importsOf(file)
      .filter((specifier) => !allowed(specifier, file))
      .map((specifier) => `${relative(root, file)} imports ${specifier}`),
  );
}

const isTest = (file: string) =>
  /\.test\.ts$|test-support|test-harness|\.support\.ts$|[/\\]test[/\\]/.test(file);
const isSdk = (specifier: string) => SDKS.some((sdk) => specifier === sdk || specifier.startsWith(sdk));

describe("package boundaries", () => {
  it("core imports no SDK and no package of ours", () => {
    expect(violations("packages/core", (s) => !isSdk(s) && !s.startsWith("@patchbay/"))).toEqual([]);
  });

  it.each([
    ["telegram", "grammy"],
    ["discord", "discord.js"],
    ["slack", "@slack/"],
    ["whatsapp", "baileys"],
  ])("the %s package imports its own SDK only, and of ours only core (the testkit in tests)", (name, sdk) => {
    const allowed = (specifier: string, file: string) => {
      if (specifier.startsWith("@patchbay/")) {
        return specifier === "@patchbay/core" || (isTest(file) && specifier.startsWith("@patchbay/testkit"));
      }
      return (
        !isSdk(specifier) ||
        specifier.startsWith(sdk) ||
        (name === "discord" && specifier.startsWith("@discordjs/"))
      );
    };
    expect(violations(`packages/${name}`, allowed)).toEqual([]);
  });

  it("the SDK is imported by one file per channel package (client.ts), tests aside", () => {
    const byPackage = Object.fromEntries(
      ["telegram", "discord", "slack", "whatsapp"].map((name) => [
        name,
        sourceFiles(join(root, "packages", name, "src"))
          .filter((file) => !isTest(file) && importsOf(file).some(isSdk))
          .map((file) => relative(join(root, "packages", name, "src"), file)),
      ]),
    );
    expect(byPackage).toEqual({
      telegram: ["client.ts"],
      discord: ["client.ts"],
      slack: ["client.ts"],
      whatsapp: ["client.ts"],
    });
  });

  it("the testkit imports no adapter package", () => {
    expect(
      violations(
        "packages/testkit",
        (s) =>
          ![
            "@patchbay/telegram",
            "@patchbay/discord",
            "@patchbay/slack",
            "@patchbay/whatsapp",
            "@patchbay/gateway",
          ].includes(s),
      ),
    ).toEqual([]);
  });
});
