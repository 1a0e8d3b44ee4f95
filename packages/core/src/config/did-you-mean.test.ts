import { describe, expect, it } from "vitest";
import { didYouMean, editDistance } from "./did-you-mean.js";

describe("editDistance / didYouMean", () => {
  it("counts an adjacent transposition as one edit", () => {
    expect(editDistance("dmPolicy", "dmPolicy")).toBe(0);
    expect(editDistance("acountId", "accountId")).toBe(1);
    expect(editDistance("alowFrom", "allowFrom")).toBe(1);
    expect(editDistance("bidnings", "bindings")).toBe(1);
  });

  it("suggests near misses, case-only differences first, and nothing far away", () => {
    expect(didYouMean("allowfrom", ["allowFrom", "groupAllowFrom"])).toBe("allowFrom");
    expect(didYouMean("grupPolicy", ["groupPolicy", "dmPolicy"])).toBe("groupPolicy");
    expect(didYouMean("zzz", ["allowFrom", "dmPolicy"])).toBeUndefined();
    expect(didYouMean("dmPolicy", ["dmPolicy"])).toBeUndefined();
  });
});
