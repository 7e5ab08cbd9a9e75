import { afterEach, describe, expect, it } from "vitest";
import { eventsOfType, type RunEvent } from "../../server/contract/index.ts";
import type { Runtime } from "../../server/runtime/index.ts";
import { tempDataDir } from "../support/clients.ts";
import { mcpLabPack, startHttpTestServer } from "../support/mcp.ts";
import { openRuntime } from "../support/runtime.ts";

let cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

/** The mcp-lab pack with its `inv` server over Streamable HTTP, its URL and token taken from `${VAR}`s. */
async function httpLab(env: Record<string, string>, tools = ["inv/whoami", "inv/lookup_part"]) {
  const lab = mcpLabPack({
    servers: { inv: { url: "${INV_URL}", headers: { Authorization: "Bearer ${INV_TOKEN}" }, timeoutMs: 3000 } },
    tools,
  });
  const data = tempDataDir();
  const runtime = await openRuntime(data.dir, { packDirs: [lab.root], mcp: { env } });
  cleanups.push(
    () => lab.remove(),
    () => data.remove(),
    () => runtime.close(),
  );
  return runtime;
}

async function runToEnd(runtime: Runtime, task = "Check the stock of part P-104.") {
  const events: RunEvent[] = [];
  const stop = runtime.onEvent((e) => events.push(e));
  const run = await runtime.waitForRun((await runtime.startRun({ task, pack: "mcp-lab" })).id);
  stop();
  return {
    run,
    results: eventsOfType(events, "tool.result")
      .filter((e) => e.runId === run.id)
      .map((e) => e.data),
  };
}

describe("MCP servers over Streamable HTTP", () => {
  it("calls the tools of a server at a URL, with headers from the environment, and lists it in the pack's servers", async () => {
    const server = await startHttpTestServer({ TOKEN: "s3cret" });
    cleanups.push(() => server.stop());
    const runtime = await httpLab({ INV_URL: server.url, INV_TOKEN: "s3cret" });

    const { run, results } = await runToEnd(runtime, "Check the stock of part P-104, and report what the server was started with.");
    expect(run.status).toBe("completed");
    expect(results.map((r) => r.tool)).toEqual(["inv/whoami", "inv/lookup_part"]);
    expect((results[0]!.result as { meta: Record<string, string> }).meta["guild/runId"]).toBe(run.id);
    expect(results[1]).toMatchObject({ server: "inv", result: { part_id: "P-104", stock: 85 } });
    expect(runtime.listPacks().find((p) => p.id === "mcp-lab")!.mcpServers).toEqual([
      {
        name: "inv",
        transport: "http",
        state: "ready",
        restarts: 0,
        tools: ["lookup_part", "reserve_stock", "crash_now", "hang", "whoami"],
      },
    ]);
  });

  it("reports a server that refuses Guild's token as a tool error of the run", async () => {
    const server = await startHttpTestServer({ TOKEN: "s3cret" });
    cleanups.push(() => server.stop());
    const runtime = await httpLab({ INV_URL: server.url, INV_TOKEN: "wrong" });

    const { run, results } = await runToEnd(runtime);
    expect(run.status).toBe("completed");
    expect(results.map((r) => r.error)).toEqual([
      expect.stringMatching(/^MCP server 'inv' could not be started: .*unauthorized.*\(HTTP 401\)/),
      expect.stringMatching(/^MCP server 'inv' could not be started: /),
    ]);
    expect(runtime.listPacks().find((p) => p.id === "mcp-lab")!.mcpServers[0]).toMatchObject({ state: "failed" });
  });

  it("survives the server going away: the call fails, and the next run connects again once it is back", async () => {
    const first = await startHttpTestServer({});
    const port = new URL(first.url).port;
    const runtime = await httpLab({ INV_URL: first.url, INV_TOKEN: "x" }, ["inv/lookup_part"]);
    expect((await runToEnd(runtime)).results[0]).toMatchObject({ result: { stock: 85 } });

    await first.stop();
    const down = await runToEnd(runtime);
    expect(down.run.status).toBe("completed");
    expect(down.results[0]).toMatchObject({
      tool: "inv/lookup_part",
      error: expect.stringMatching(/^MCP server 'inv' failed while calling lookup_part: /),
    });

    const again = await startHttpTestServer({ PORT: port });
    cleanups.push(() => again.stop());
    const back = await runToEnd(runtime);
    expect(back.results[0]).toMatchObject({ tool: "inv/lookup_part", result: { stock: 85 } });
    expect(runtime.listPacks().find((p) => p.id === "mcp-lab")!.mcpServers[0]).toMatchObject({ state: "ready", restarts: 1 });
  });
});
