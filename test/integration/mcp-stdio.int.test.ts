import { afterEach, describe, expect, it, onTestFinished } from "vitest";
import { pino } from "pino";
import type { PackSummary, RunEvent } from "../../server/contract/index.ts";
import type { Runtime } from "../../server/runtime/index.ts";
import { startServer } from "../../server/start-server.ts";
import { request, tempDataDir } from "../support/clients.ts";
import { runCli } from "../support/cli.ts";
import { MCP_FIXTURE_PACKS, mcpLabPack, stdioTestServer } from "../support/mcp.ts";
import { openRuntime } from "../support/runtime.ts";

const TASK = "Check the stock of part P-104.";
/** A task that asks for both of the lab's read-only tools: the stock, and what the server was started with. */
const BOTH_TASK = "Check the stock of part P-104, and report what the server was started with.";

let cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

/** A runtime over the mcp-lab pack with the offline model; closed (with its servers) after the test. */
async function labRuntime(options: Parameters<typeof mcpLabPack>[0], mcp: { timeoutMs?: number; env?: Record<string, string> } = {}) {
  const lab = mcpLabPack(options);
  const data = tempDataDir();
  const runtime = await openRuntime(data.dir, { packDirs: [lab.root], mcp });
  cleanups.push(
    () => lab.remove(),
    () => data.remove(),
    () => runtime.close(),
  );
  return { runtime, lab };
}

/** Runs a task of the mcp-lab pack to its end, approving anything asked; returns the run and its events. */
async function runToEnd(runtime: Runtime, task = TASK) {
  const events: RunEvent[] = [];
  const stop = runtime.onEvent((e) => events.push(e));
  const started = await runtime.startRun({ task, pack: "mcp-lab" });
  let run = await runtime.waitForRun(started.id);
  while (run.status === "awaiting_approval") {
    for (const approval of run.pendingApprovals) await runtime.decide(approval.id, { type: "approve" });
    run = await runtime.waitForRun(started.id);
  }
  stop();
  return { run, events: events.filter((e) => e.runId === run.id) };
}

const results = (events: RunEvent[]) => events.filter((e) => e.type === "tool.result").map((e) => e.data);
const labPack = (runtime: Runtime) => runtime.listPacks().find((p) => p.id === "mcp-lab")!;

describe("MCP servers over stdio", () => {
  it("runs a pack from GUILD_PACKS_DIRS whose own stdio server's read-only tool is called in the run (guild run --json)", async () => {
    const data = tempDataDir();
    onTestFinished(() => data.remove());
    const result = await runCli(["run", TASK, "--pack", "parts-desk", "--yes", "--json"], {
      GUILD_DATA_DIR: data.dir,
      GUILD_PACKS_DIRS: MCP_FIXTURE_PACKS,
    });
    expect(result.code, result.stderr).toBe(0);
    const events = result.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as RunEvent);
    const called = events.find((e) => e.type === "tool.called")!;
    expect(called.data).toMatchObject({ tool: "inventory/lookup_part", args: { part_id: "P-104" }, kind: "query", server: "inventory" });
    const answered = events.find((e) => e.type === "tool.result")!;
    // The server's `env` reached it: the warehouse comes from the pack's manifest.
    expect(answered.data).toMatchObject({
      tool: "inventory/lookup_part",
      result: { part_id: "P-104", name: "Bearing 6204-2RS", stock: 85, bin: "B-07", warehouse: "Leeds" },
    });
    expect(events.some((e) => e.type === "approval.requested")).toBe(false);
    expect(events.at(-1)!.type).toBe("run.completed");
  });

  it("starts a server only when a run first needs it, reuses it for later runs, and says so in GET /api/packs", async () => {
    const { runtime } = await labRuntime({ servers: { inv: stdioTestServer() }, tools: ["inv/whoami", "inv/lookup_part"] });
    const server = await startServer(runtime, { host: "127.0.0.1", port: 0, apiKeys: [], log: pino({ level: "silent" }) });
    cleanups.push(() => server.close());
    const packs = async () => ((await request(server.url, "GET", "/api/packs")).body as { packs: PackSummary[] }).packs;

    const before = (await packs()).find((p) => p.id === "mcp-lab")!;
    expect(before.mcpServers).toEqual([{ name: "inv", transport: "stdio", state: "idle", restarts: 0 }]);
    expect(before.specialists[0]!.tools.map((t) => t.name)).toEqual(["inv/whoami", "inv/lookup_part"]);
    expect(before.specialists[0]!.tools[0]!.requiresApproval).toBe(true);

    const first = await runToEnd(runtime, BOTH_TASK);
    const second = await runToEnd(runtime, BOTH_TASK);
    expect(first.run.status).toBe("completed");
    expect(second.run.status).toBe("completed");
    const pid = (events: RunEvent[]) => (results(events).find((r) => r.tool === "inv/whoami")!.result as { pid: number }).pid;
    expect(pid(second.events)).toBe(pid(first.events));

    const after = (await packs()).find((p) => p.id === "mcp-lab")!;
    expect(after.mcpServers).toEqual([
      {
        name: "inv",
        transport: "stdio",
        state: "ready",
        restarts: 0,
        tools: ["lookup_part", "reserve_stock", "crash_now", "hang", "whoami"],
      },
    ]);
    // Described by the server now, and gated by what it says: both tools are annotated read-only.
    expect(after.specialists[0]!.tools).toEqual([
      { name: "inv/whoami", description: "Report what the server was started with and the _meta of this call.", requiresApproval: false },
      {
        name: "inv/lookup_part",
        description: "Look up a part in the inventory by its part id: its name, the stock on hand and its bin.",
        requiresApproval: false,
      },
    ]);
  });

  it("reports a call whose server crashes as a tool error, completes the run, and starts the server again for the next call", async () => {
    const { runtime } = await labRuntime({ servers: { inv: stdioTestServer() }, tools: ["inv/crash_now", "inv/lookup_part"] });
    const { run, events } = await runToEnd(runtime);

    expect(run.status).toBe("completed");
    const [crashed, looked] = results(events);
    expect(crashed).toMatchObject({
      tool: "inv/crash_now",
      error: expect.stringMatching(/MCP server 'inv' crashed while calling crash_now: test-server: crashing on purpose/),
    });
    expect(looked).toMatchObject({ tool: "inv/lookup_part", result: { stock: 85 } });
    expect(run.result!.answer).toMatch(/Not done:[\s\S]*crashed while calling crash_now/);
    expect(labPack(runtime).mcpServers[0]).toMatchObject({ state: "ready", restarts: 1, lastError: "test-server: crashing on purpose" });
  });

  it("times a call out when the server hangs, reports it, and goes on with the same server", async () => {
    // Long enough for the lookup on a loaded machine; the hang never answers, whatever the deadline.
    const { runtime } = await labRuntime({
      servers: { inv: stdioTestServer({ timeoutMs: 2000 }) },
      tools: ["inv/hang", "inv/lookup_part"],
    });
    const startedAt = Date.now();
    const { run, events } = await runToEnd(runtime);

    expect(run.status).toBe("completed");
    expect(Date.now() - startedAt).toBeLessThan(15_000);
    const [hung, looked] = results(events);
    expect(hung).toMatchObject({ tool: "inv/hang", error: "MCP server 'inv' did not answer within 2000 ms while calling hang" });
    expect(looked).toMatchObject({ tool: "inv/lookup_part", result: { stock: 85 } });
    expect(labPack(runtime).mcpServers[0]).toMatchObject({ state: "ready", restarts: 0 });
  });

  it("takes the call deadline from the configuration when the server names none", async () => {
    const { runtime } = await labRuntime({ servers: { inv: stdioTestServer() }, tools: ["inv/hang"] }, { timeoutMs: 300 });
    const { run, events } = await runToEnd(runtime);
    expect(run.status).toBe("completed");
    expect(results(events)[0]).toMatchObject({ error: "MCP server 'inv' did not answer within 300 ms while calling hang" });
  });

  it("reports a server that cannot start in the step, completes the run, and shows it failed", async () => {
    const { runtime } = await labRuntime({
      servers: { inv: { command: "node", args: ["no-such-server.mjs"], timeoutMs: 5000 } },
      tools: ["inv/lookup_part"],
    });
    const { run, events } = await runToEnd(runtime);

    expect(run.status).toBe("completed");
    expect(results(events)).toEqual([
      expect.objectContaining({ tool: "inv/lookup_part", error: expect.stringMatching(/^MCP server 'inv' could not be started: /) }),
    ]);
    expect(run.result!.answer).toMatch(/Not done:[\s\S]*lookup_part/);
    expect(labPack(runtime).mcpServers[0]).toMatchObject({
      state: "failed",
      lastError: expect.stringMatching(/no-such-server\.mjs|Connection closed/),
    });
  });

  it("passes ${VAR}s from Guild's configuration into a stdio server's environment, and only those", async () => {
    const { runtime } = await labRuntime(
      { servers: { inv: stdioTestServer({ env: { GREETING: "hello ${WHO}" } }) }, tools: ["inv/whoami"] },
      { env: { WHO: "guild", OPENAI_API_KEY: "sk-secret" } },
    );
    const { events } = await runToEnd(runtime);
    const whoami = results(events)[0]!.result as { greeting: string; meta: Record<string, string>; secrets: string[] };
    expect(whoami.greeting).toBe("hello guild");
    expect(whoami.secrets).toEqual([]);
    expect(whoami.meta["guild/idempotencyKey"]).toMatch(/^run_[0-9a-f]+:r1s1\.t1\.inv\/whoami$/);
  });

  it("refuses a server whose variable is not set, naming it, when the server is first needed", async () => {
    const { runtime } = await labRuntime({
      servers: { inv: stdioTestServer({ env: { GREETING: "${MISSING_VAR}" } }) },
      tools: ["inv/whoami"],
    });
    const { run, events } = await runToEnd(runtime);
    expect(run.status).toBe("completed");
    expect(results(events)[0]).toMatchObject({
      error: "MCP server 'inv' could not be started: MCP server 'inv' needs the variable MISSING_VAR, which is not set",
    });
  });
});
