import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it, onTestFinished } from "vitest";
import type { RunEvent } from "../../server/contract/index.ts";
import { tempDataDir } from "../support/clients.ts";
import { runCli } from "../support/cli.ts";
import { useRuntime } from "../support/runtime.ts";

/** The README's QC demo. */
const QC_DEMO_TASK =
  "Lot LOT-24108 of ECU housings shows a rising AOI reject rate. Find the cause of the defects, check the process capability of the bore, place the lot on hold and ask the supplier for an 8D.";

/** What the demo must leave in the pack's back-end: one hold and one 8D request for the lot, each effect stored once. */
function effectsIn(dataDir: string) {
  const db = new Database(path.join(dataDir, "packs", "manufacturing-qc.sqlite"), { readonly: true });
  try {
    return {
      holds: db.prepare("SELECT ref, status, reason FROM holds WHERE lot_id = 'LOT-24108'").all() as {
        ref: string;
        status: string;
        reason: string;
      }[],
      scars: db
        .prepare(
          "SELECT ref, supplier_id, defect_code, contact_email, subject, description FROM supplier_requests WHERE lot_id = 'LOT-24108'",
        )
        .all() as Record<string, string>[],
      effects: db.prepare("SELECT tool FROM guild_effects ORDER BY tool").pluck().all(),
    };
  } finally {
    db.close();
  }
}

describe("the manufacturing-qc demo, offline", () => {
  it("completes with guild run --yes --json: AOI results, SPC from the pack's MCP server, a hold and an 8D request, each once", async () => {
    const data = tempDataDir();
    onTestFinished(() => data.remove());
    const result = await runCli(["run", QC_DEMO_TASK, "--pack", "manufacturing-qc", "--yes", "--json"], { GUILD_DATA_DIR: data.dir });
    expect(result.code, result.stderr).toBe(0);
    const events = result.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as RunEvent);

    const plan = events.find((e) => e.type === "plan.proposed")!.data.steps as { specialist: string }[];
    expect(plan.map((s) => s.specialist)).toEqual(["inspection_analyst", "process_engineer", "quality_manager", "supplier_quality"]);

    const called = events.filter((e) => e.type === "tool.called").map((e) => e.data);
    expect(called.filter((c) => c.server === "spc").map((c) => c.tool)).toEqual([
      "spc/lot_capability",
      "spc/capability",
      "spc/control_chart",
      "spc/western_electric",
    ]);
    const results = events.filter((e) => e.type === "tool.result").map((e) => e.data);
    expect(results.find((r) => r.tool === "lot_defect_summary")!.result).toMatchObject({
      defect_rate_pct: 4.89,
      top_defect_code: "DC-POR",
      top_defect_zone: "boss B2",
    });
    expect(results.find((r) => r.tool === "spc/lot_capability")!.result).toMatchObject({
      characteristic_id: "CHR-4410-01",
      cpk: 0.49,
      verdict: "not capable",
    });
    expect(results.find((r) => r.tool === "spc/western_electric")!.result).toMatchObject({ in_control: false, rules_broken: "1, 2, 3, 4" });
    expect(results.every((r) => r.error === undefined)).toBe(true);

    const asked = events
      .filter((e) => e.type === "approval.requested")
      .map((e) => (e.data.approval as { action: { name: string } }).action.name);
    expect(asked).toEqual(["place_hold", "raise_scar"]);
    expect(events.at(-1)!.type).toBe("run.completed");

    const { holds, scars, effects } = effectsIn(data.dir);
    expect(holds).toEqual([
      {
        ref: "HLD-1004",
        status: "active",
        reason: "Reject rate 4.89% (88 of 1800 units); mostly Porosity (DC-POR, major): 79 findings, most at boss B2",
      },
    ]);
    expect(scars).toHaveLength(1);
    expect(scars[0]).toMatchObject({
      supplier_id: "SUP-03",
      defect_code: "DC-POR",
      contact_email: "quality@castwell-foundry.example",
      subject: "8D request: Porosity on PRT-4410 lot LOT-24108 (batch CW-2407-09)",
    });
    expect(scars[0]!.description).toContain("Dear Priya Desai,");
    expect(scars[0]!.description).toContain("found Porosity (DC-POR) on 79 units of lot LOT-24108");
    expect(scars[0]!.description).not.toMatch(/\{\{/);
    expect(effects).toEqual(["place_hold", "raise_scar"]);
  });

  describe("through the runtime", () => {
    const t = useRuntime();

    it("pauses for a reviewer before the hold and the 8D request, runs each once, and starts only the MCP server it needs", async () => {
      const qc = () => t.runtime.listPacks().find((p) => p.id === "manufacturing-qc")!;
      expect(qc().mcpServers.map((s) => [s.name, s.state])).toEqual([
        ["spc", "idle"],
        ["vision", "idle"],
      ]);

      const started = await t.runtime.startRun({ task: QC_DEMO_TASK, pack: "manufacturing-qc" });
      let run = await t.runtime.waitForRun(started.id);
      expect(run.status).toBe("awaiting_approval");
      const hold = run.pendingApprovals[0]!;
      expect(hold.action).toEqual({
        name: "place_hold",
        args: {
          lot_id: "LOT-24108",
          reason: "Reject rate 4.89% (88 of 1800 units); mostly Porosity (DC-POR, major): 79 findings, most at boss B2",
        },
      });
      expect(hold.specialist).toBe("quality_manager");
      await t.runtime.decide(hold.id, { type: "approve", reviewer: "m.lindqvist" });
      await expect(t.runtime.decide(hold.id, { type: "approve" })).rejects.toMatchObject({ code: "conflict" });

      run = await t.runtime.waitForRun(started.id);
      const scar = run.pendingApprovals[0]!;
      expect(scar.action.name).toBe("raise_scar");
      expect(scar.action.args).toMatchObject({
        supplier_id: "SUP-03",
        lot_id: "LOT-24108",
        defect_code: "DC-POR",
        contact_email: "quality@castwell-foundry.example",
      });
      await t.runtime.decide(scar.id, { type: "approve", reviewer: "s.quality" });
      run = await t.runtime.waitForRun(started.id);
      expect(run.status).toBe("completed");
      expect(run.result!.answer).toContain("spc/western_electric: characteristic id CHR-4410-01");
      expect(run.result!.citations.map((c) => c.source)).toContain("quality-hold-procedure.md § 2 Placing a hold");

      const backend = t.runtime.backendOf("manufacturing-qc");
      expect(await backend.count("holds", { lot_id: "LOT-24108", status: "active" })).toBe(1);
      expect(await backend.count("supplier_requests", { lot_id: "LOT-24108" })).toBe(1);
      // The offline model does not look at images: the image archive's server never started.
      expect(qc().mcpServers).toEqual([
        {
          name: "spc",
          transport: "stdio",
          state: "ready",
          restarts: 0,
          tools: ["lot_capability", "capability", "control_chart", "western_electric"],
        },
        { name: "vision", transport: "stdio", state: "idle", restarts: 0 },
      ]);
    });
  });
});
