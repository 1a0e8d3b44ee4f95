import { describe, expect, it } from "vitest";
import { resolveChannelAccounts } from "./accounts.js";
import { validateConfig } from "./parse.js";

describe("accessGroup: entries (spec §4.5)", () => {
  const { config, warnings } = validateConfig({
    accessGroups: {
      family: { type: "message.senders", members: { whatsapp: ["+15550001"], "*": ["+15550009"] } },
      telegramOnly: { members: { telegram: ["123"] } },
    },
    channels: {
      whatsapp: {
        dmPolicy: "allowlist",
        allowFrom: ["accessGroup:family", "+15550002", "accessGroup:telegramOnly", "accessGroup:missing"],
        groupAllowFrom: ["accessGroup:family"],
      },
    },
  });

  it("expand to the group's members for this channel and for every channel; unknown groups admit no one", () => {
    const [account] = resolveChannelAccounts(config, "whatsapp", {});
    expect(account?.allowFrom).toEqual(["+15550001", "+15550009", "+15550002"]);
    expect(account?.groupAllowFrom).toEqual(["+15550001", "+15550009"]);
  });

  it("warn about a group accessGroups does not define, naming the entry", () => {
    expect(warnings.filter((w) => w.message.includes("access group"))).toEqual([
      {
        path: "channels.whatsapp.allowFrom[3]",
        message: 'access group "missing" is not defined in accessGroups, so this entry admits no one',
      },
    ]);
  });
});
