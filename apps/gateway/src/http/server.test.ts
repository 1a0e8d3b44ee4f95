import { silentLogger } from "@patchbay/core";
import { afterEach, describe, expect, it } from "vitest";
import { GatewayHttpServer, readJson, sendJson } from "./server.js";

describe("GatewayHttpServer request bodies", () => {
  let server: GatewayHttpServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const start = async () => {
    server = new GatewayHttpServer(
      () => [
        {
          method: "POST",
          path: "/echo",
          handler: async (req, res) => sendJson(res, 200, { body: await readJson(req, 64) }),
        },
      ],
      silentLogger,
    );
    return (await server.listen(0, "127.0.0.1")).url;
  };

  it("answers 413 to a body over the limit and 400 to one that is not JSON, not 500", async () => {
    const url = await start();
    const big = await fetch(`${url}/echo`, { method: "POST", body: JSON.stringify({ x: "y".repeat(500) }) });
    expect(big.status).toBe(413);
    const bad = await fetch(`${url}/echo`, { method: "POST", body: "{not json" });
    expect(bad.status).toBe(400);
    const ok = await fetch(`${url}/echo`, { method: "POST", body: JSON.stringify({ a: 1 }) });
    expect(await ok.json()).toEqual({ body: { a: 1 } });
  });
});
