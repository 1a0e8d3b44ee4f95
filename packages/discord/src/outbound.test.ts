import { describe, expect, it } from "vitest";
import { allowedMentions, buildMessageBodies } from "./outbound.js";

describe("allowedMentions", () => {
  it("defaults to users and the replied user, never roles or everyone", () => {
    expect(allowedMentions()).toEqual({ parse: ["users"], replied_user: true });
  });

  it("turns lists into explicit ids and booleans into parse types", () => {
    expect(allowedMentions({ users: ["1"], roles: true, everyone: true, repliedUser: false })).toEqual({
      parse: ["roles", "everyone"],
      users: ["1"],
      replied_user: false,
    });
    expect(allowedMentions({ users: false })).toEqual({ parse: [], replied_user: true });
  });
});

describe("buildMessageBodies", () => {
  const mentions = allowedMentions();

  it("gives nothing for empty text", () => {
    expect(buildMessageBodies({ text: "  \n " }, { allowedMentions: mentions })).toEqual([]);
  });

  it("keeps each body within 2000 characters, the reference on the first only", () => {
    const bodies = buildMessageBodies(
      { text: "x".repeat(4500), replyToId: "42" },
      { allowedMentions: mentions },
    );
    expect(bodies.map((b) => b.content.length)).toEqual([2000, 2000, 500]);
    expect(bodies[0]?.message_reference).toEqual({ message_id: "42", fail_if_not_exists: false });
    expect(bodies.slice(1).every((b) => b.message_reference === undefined)).toBe(true);
    expect(bodies.every((b) => b.allowed_mentions === mentions)).toBe(true);
  });

  it("respects the line limit", () => {
    const bodies = buildMessageBodies(
      { text: "a\nb\nc\nd" },
      { allowedMentions: mentions, maxLinesPerMessage: 2 },
    );
    expect(bodies.map((b) => b.content)).toEqual(["a\nb", "c\nd"]);
  });
});
