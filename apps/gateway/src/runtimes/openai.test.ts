import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRecordingLogger } from "@patchbay/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AgentRuntimeError } from "./errors.js";
import { buildChatMessages, OpenAiRuntime } from "./openai.js";
import type { AgentTurn } from "./types.js";

const API_KEY = "sk-test-SUPERSECRET-123456";

interface Seen {
  method: string | undefined;
  url: string | undefined;
  auth: string | undefined;
  body: { model: string; messages: Array<{ role: string; content: string }> };
}

function turn(overrides: Partial<AgentTurn> = {}): AgentTurn {
  return {
    agentId: "alex",
    sessionKey: "agent:alex:whatsapp:group:123@g.us",
    channel: "whatsapp",
    accountId: "default",
    peer: { kind: "group", id: "123@g.us" },
    sender: { id: "+15551230001", name: "Ann", isBot: false },
    text: "what do you think?",
    timestamp: 1,
    groupHistory: [],
    history: [],
    ...overrides,
  };
}

describe("OpenAiRuntime against a fake chat-completions server", () => {
  let server: Server;
  let baseUrl: string;
  let seen: Seen[];
  let handler: (req: IncomingMessage, res: ServerResponse, body: string) => void;
  let workspace: string;

  beforeEach(async () => {
    seen = [];
    handler = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({ choices: [{ index: 0, message: { role: "assistant", content: "fake reply" } }] }),
      );
    };
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => {
        body += c.toString("utf8");
      });
      req.on("end", () => {
        seen.push({
          method: req.method,
          url: req.url,
          auth: req.headers.authorization,
          body: JSON.parse(body || "{}"),
        });
        handler(req, res, body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/`;
    workspace = await mkdtemp(join(tmpdir(), "pb-ws-"));
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await rm(workspace, { recursive: true, force: true });
  });

  it("sends system prompt from the workspace, history, group context and the message", async () => {
    await writeFile(join(workspace, "SOUL.md"), "You are calm and kind.\n");
    await writeFile(join(workspace, "USER.md"), "The user likes short answers.");
    const runtime = new OpenAiRuntime({ type: "openai", baseUrl, apiKey: API_KEY, model: "gpt-test" });
    const reply = await runtime.run(
      turn({
        workspaceDir: workspace,
        history: [
          { role: "user", text: "hello", senderName: "Bob" },
          { role: "assistant", text: "hi Bob" },
        ],
        groupHistory: [{ senderId: "+1555", senderName: "Cy", text: "pizza tonight?", timestamp: 1 }],
      }),
    );
    expect(reply).toEqual({ text: "fake reply" });
    const request = seen[0] as Seen;
    expect(request.method).toBe("POST");
    expect(request.url).toBe("/v1/chat/completions");
    expect(request.auth).toBe(`Bearer ${API_KEY}`);
    expect(request.body.model).toBe("gpt-test");
    const [system, ...rest] = request.body.messages;
    expect(system?.role).toBe("system");
    expect(system?.content).toContain("## SOUL.md\n\nYou are calm and kind.");
    expect(system?.content).toContain("## USER.md\n\nThe user likes short answers.");
    expect(system?.content).not.toContain("AGENTS.md");
    expect(system?.content.indexOf("SOUL.md")).toBeLessThan(system?.content.indexOf("USER.md") ?? -1);
    expect(rest).toEqual([
      { role: "user", content: "Bob: hello" },
      { role: "assistant", content: "hi Bob" },
      {
        role: "user",
        content:
          "[Chat messages since your last reply, for context]\nCy: pizza tonight?\n\n[Current message, reply to this]\nAnn: what do you think?",
      },
    ]);
  });

  it("uses the agent's model when the runtime config has none, and fails without any", async () => {
    const runtime = new OpenAiRuntime({ type: "openai", baseUrl, apiKey: API_KEY });
    await runtime.run(turn({ model: "agent-model" }));
    expect(seen[0]?.body.model).toBe("agent-model");
    await expect(runtime.run(turn())).rejects.toMatchObject({ code: "AGENT_FAILED", reason: "config" });
  });

  it("an HTTP error is typed, and the key appears in no log record or message", async () => {
    handler = (_req, res) => {
      res.writeHead(401, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: `Incorrect API key provided: ${API_KEY}` } }));
    };
    const logger = createRecordingLogger();
    const runtime = new OpenAiRuntime({ type: "openai", baseUrl, apiKey: API_KEY, model: "m" }, { logger });
    const error = await runtime.run(turn()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AgentRuntimeError);
    expect(error).toMatchObject({ code: "AGENT_FAILED", reason: "http", status: 401, agentId: "alex" });
    expect(JSON.stringify(logger.records)).toContain("Incorrect API key");
    expect(JSON.stringify(logger.records)).not.toContain(API_KEY);
    expect((error as Error).message).not.toContain(API_KEY);
  });

  it("a response without content is a bad response; array content is joined", async () => {
    handler = (_req, res) => res.end(JSON.stringify({ choices: [] }));
    const runtime = new OpenAiRuntime({ type: "openai", baseUrl, apiKey: API_KEY, model: "m" });
    await expect(runtime.run(turn())).rejects.toMatchObject({ reason: "bad-response" });
    handler = (_req, res) => res.end("not json");
    await expect(runtime.run(turn())).rejects.toMatchObject({ reason: "bad-response" });
    handler = (_req, res) =>
      res.end(
        JSON.stringify({
          choices: [
            {
              message: {
                content: [
                  { type: "text", text: "a" },
                  { type: "text", text: "b" },
                ],
              },
            },
          ],
        }),
      );
    expect(await runtime.run(turn())).toEqual({ text: "ab" });
  });

  it("times out, honours the caller's abort, and reports network failures", async () => {
    handler = () => {}; // never answers
    const slow = new OpenAiRuntime({ type: "openai", baseUrl, apiKey: API_KEY, model: "m", timeoutMs: 100 });
    await expect(slow.run(turn())).rejects.toMatchObject({ reason: "timeout" });

    const patient = new OpenAiRuntime({ type: "openai", baseUrl, apiKey: API_KEY, model: "m" });
    const controller = new AbortController();
    const pending = patient.run(turn(), controller.signal);
    setImmediate(() => controller.abort(new Error("shutdown")));
    await expect(pending).rejects.toMatchObject({ reason: "aborted" });

    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await expect(patient.run(turn())).rejects.toMatchObject({ reason: "network" });
    server = createServer(); // for afterEach
    server.listen(0, "127.0.0.1");
  });
});

describe("buildChatMessages", () => {
  it("does not prefix names in a direct chat and always has a system message", () => {
    const messages = buildChatMessages(
      turn({ peer: { kind: "direct", id: "1" }, history: [{ role: "user", text: "x", senderName: "Ann" }] }),
      "",
    );
    expect(messages[0]?.role).toBe("system");
    expect(messages[0]?.content).toContain('"alex"');
    expect(messages.slice(1)).toEqual([
      { role: "user", content: "x" },
      { role: "user", content: "what do you think?" },
    ]);
  });
});
