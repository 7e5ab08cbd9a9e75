import { afterEach, describe, expect, it } from "vitest";
import type { ActRequest, ProposedCall } from "../../agents/models/index.ts";
import { eventsOfType, type Approval, type RunEvent } from "../../server/contract/index.ts";
import type { Runtime } from "../../server/runtime/index.ts";
import { tempDataDir } from "../support/clients.ts";
import { mcpLabPack, stdioTestServer, type McpLabPack } from "../support/mcp.ts";
import { answerUntilDone, openRuntime } from "../support/runtime.ts";
import { ScriptedModel } from "../support/scripted-model.ts";

type Call = Omit<ProposedCall, "id">;
const LOOKUP: Call = { name: "inv/lookup_part", args: { part_id: "P-104" } };
const reserve = (quantity: number): Call => ({ name: "inv/reserve_stock", args: { part_id: "P-104", quantity } });

let cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

/**
 * A runtime over the mcp-lab pack (its stock clerk uses the test server's lookup_part and
 * reserve_stock) whose model proposes `calls` in its first turn, then reports.
 */
async function labWith(
  calls: Call[],
  mcpTools?: Record<string, unknown>,
): Promise<{ runtime: Runtime; lab: McpLabPack; model: ScriptedModel }> {
  const lab = mcpLabPack({
    servers: { inv: stdioTestServer() },
    tools: ["inv/lookup_part", "inv/reserve_stock"],
    ...(mcpTools ? { mcpTools } : {}),
  });
  const data = tempDataDir();
  const model = new ScriptedModel(
    [{ specialist: "stock_clerk", instruction: "Reserve stock of P-104" }],
    [calls.map((c) => (_: ActRequest) => c)],
  );
  const runtime = await openRuntime(data.dir, { packDirs: [lab.root], modelFactory: () => model });
  cleanups.push(
    () => lab.remove(),
    () => data.remove(),
    () => runtime.close(),
  );
  return { runtime, lab, model };
}

async function runLab(runtime: Runtime, decide: (approval: Approval) => Parameters<Runtime["decide"]>[1]) {
  const events: RunEvent[] = [];
  const stop = runtime.onEvent((e) => events.push(e));
  const started = await runtime.startRun({ task: "Reserve stock of part P-104.", pack: "mcp-lab" });
  const outcome = await answerUntilDone(runtime, started.id, decide as never);
  stop();
  return { ...outcome, events: events.filter((e) => e.runId === started.id) };
}

const resultsOf = (events: RunEvent[]) => eventsOfType(events, "tool.result").map((e) => e.data);

describe("policy on MCP tools", () => {
  it("without a policy, runs a read-only tool freely and asks a reviewer before a tool not marked read-only", async () => {
    const { runtime, lab, model } = await labWith([LOOKUP, reserve(5)]);
    const { run, asked, events } = await runLab(runtime, () => ({ type: "approve" }));

    expect(run.status).toBe("completed");
    expect(asked.map((a) => [a.kind, a.action])).toEqual([
      ["tool_call", { name: "inv/reserve_stock", args: { part_id: "P-104", quantity: 5 } }],
    ]);
    expect(asked[0]!.description).toMatch(
      /^Stock clerk wants to inv\/reserve_stock \(Reserve stock of a part for an order\) with part_id: P-104, quantity: 5\./,
    );
    // The model was offered the server's tools, with the server's schema as their arguments.
    const offered = model.acts[0]!.specialist.tools;
    expect(offered.map((t) => [t.name, t.kind])).toEqual([
      ["inv/lookup_part", "query"],
      ["inv/reserve_stock", "effect"],
    ]);
    expect(offered[1]!.args.quantity).toMatchObject({ type: "integer", minimum: 1, optional: false });
    expect(offered[0]!.returns).toEqual(["part_id", "name", "stock", "bin"]);

    // The effect ran once, with the run id and call id as its idempotency key in _meta.
    const callId = eventsOfType(events, "tool.called").find((e) => e.data.tool === "inv/reserve_stock")!.data.callId;
    expect(lab.ledger()).toEqual([{ key: `${run.id}:${callId}`, reservation_id: "RES-1", part_id: "P-104", quantity: 5 }]);
    expect(resultsOf(events).map((r) => r.tool)).toEqual(["inv/lookup_part", "inv/reserve_stock"]);
  });

  it("applies the pack's conditions on arguments: a small reservation runs, a large one is asked for, high risk, with the reason", async () => {
    const policy = {
      "inv/reserve_stock": {
        approval: {
          when: [
            { arg: "quantity", op: ">", value: 10, reason: "More than 10 units needs the stores manager (stock.md).", highRisk: true },
          ],
          otherwise: "never",
        },
      },
      "inv/lookup_part": { approval: "always" },
    };
    const { runtime, lab } = await labWith([reserve(5), reserve(50), LOOKUP], policy);
    const { run, asked } = await runLab(runtime, () => ({ type: "approve" }));

    expect(run.status).toBe("completed");
    expect(asked.map((a) => a.action)).toEqual([
      { name: "inv/reserve_stock", args: { part_id: "P-104", quantity: 50 } },
      { name: "inv/lookup_part", args: { part_id: "P-104" } },
    ]);
    expect(asked[0]).toMatchObject({
      highRisk: "More than 10 units needs the stores manager (stock.md).",
      reasons: ["More than 10 units needs the stores manager (stock.md)."],
    });
    expect(asked[0]!.description).toMatch(/^HIGH RISK: More than 10 units needs the stores manager/);
    expect(asked[1]!.highRisk).toBeUndefined();
    expect(
      lab
        .ledger()
        .map((r) => r.quantity)
        .sort((a, b) => a - b),
    ).toEqual([5, 50]);
    const pack = runtime.listPacks().find((p) => p.id === "mcp-lab")!;
    expect(pack.specialists[0]!.tools.map((t) => [t.name, t.requiresApproval])).toEqual([
      ["inv/lookup_part", true],
      ["inv/reserve_stock", true],
    ]);
  });

  it("does not call the server for a rejected call, and says so in the answer", async () => {
    const { runtime, lab } = await labWith([reserve(5)]);
    const { run } = await runLab(runtime, () => ({ type: "reject", message: "no order for it yet" }));
    expect(run.status).toBe("completed");
    expect(lab.ledger()).toEqual([]);
    expect(run.result!.answer).toContain("inv/reserve_stock rejected");
  });

  it("checks a reviewer's edit against the server's input schema, and runs the edited call", async () => {
    const { runtime, lab } = await labWith([reserve(5)]);
    const started = await runtime.startRun({ task: "Reserve stock of part P-104.", pack: "mcp-lab" });
    const paused = await runtime.waitForRun(started.id);
    const approval = paused.pendingApprovals[0]!;

    await expect(runtime.decide(approval.id, { type: "edit", args: { part_id: "P-104", quantity: 0 } })).rejects.toMatchObject({
      code: "invalid_input",
      details: { field: "args.quantity" },
    });
    await expect(runtime.decide(approval.id, { type: "edit", args: { part_id: "P-104", quantity: 2, rush: true } })).rejects.toMatchObject({
      code: "invalid_input",
    });
    await runtime.decide(approval.id, { type: "edit", args: { part_id: "P-104", quantity: 3 } });
    const done = await runtime.waitForRun(started.id);
    expect(done.status).toBe("completed");
    expect(lab.ledger()).toEqual([expect.objectContaining({ part_id: "P-104", quantity: 3 })]);
  });

  it("refuses an MCP tool the specialist was not given, without asking anyone", async () => {
    const { runtime, lab } = await labWith([{ name: "inv/crash_now", args: { part_id: "P-104" } }, reserve(5)]);
    const { run, asked, events } = await runLab(runtime, () => ({ type: "reject" }));
    expect(run.status).toBe("completed");
    expect(asked.map((a) => a.action.name)).toEqual(["inv/reserve_stock"]);
    expect(eventsOfType(events, "tool.called").some((e) => e.data.tool === "inv/crash_now")).toBe(false);
    expect(run.result!.answer).toContain("inv/crash_now failed");
    expect(lab.ledger()).toEqual([]);
  });
});
