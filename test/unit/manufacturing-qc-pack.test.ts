import fs from "node:fs";
import os from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { beforeAll, describe, expect, it } from "vitest";
import { openSqliteBackend, type Backend } from "../../agents/backend/index.ts";
import { BUILTIN_PACKS_DIR, loadPack, type Pack, type PackTool } from "../../agents/packs/index.ts";
import { gateFor } from "../../graphs/index.ts";

const QC_DIR = join(BUILTIN_PACKS_DIR, "manufacturing-qc");
const examples = JSON.parse(fs.readFileSync(join(QC_DIR, "backend", "examples.json"), "utf8")) as {
  calls: { tool: string; args: Record<string, unknown>; expect?: Record<string, unknown>; expectRows?: number }[];
};

let pack: Pack;
let backend: Backend;
beforeAll(async () => {
  pack = await loadPack(QC_DIR);
  const dir = fs.mkdtempSync(join(os.tmpdir(), "guild-qc-"));
  backend = await openSqliteBackend(join(dir, "qc.sqlite"), pack.seed.sqlite ?? []);
  return async () => {
    await backend.close();
    fs.rmSync(dir, { recursive: true, force: true });
  };
});

const tool = (name: string): PackTool => pack.tools.get(name)!;

describe("the built-in manufacturing-qc pack", () => {
  it("has the four quality specialists, SQL and MCP tools, and at least twelve documents", () => {
    expect(pack.specialists.map((s) => s.id)).toEqual(["inspection_analyst", "process_engineer", "supplier_quality", "quality_manager"]);
    expect(new Set(pack.specialists.flatMap((s) => s.documents)).size).toBeGreaterThanOrEqual(12);
    expect(Object.keys(pack.mcpServers)).toEqual(["spc", "vision"]);
    expect(pack.specialists.find((s) => s.id === "process_engineer")!.mcpTools).toEqual([
      "spc/lot_capability",
      "spc/capability",
      "spc/control_chart",
      "spc/western_electric",
    ]);
    expect(pack.specialists.find((s) => s.id === "inspection_analyst")!.mcpTools).toEqual(["vision/inspect_image"]);
    expect(pack.mcpTools["vision/inspect_image"]).toMatchObject({ vision: true });
    expect(pack.glossary.find((e) => e.term === "Porosity")?.aliases).toContain("blowholes");
  });

  it("runs every SQL tool on the seeded back-end with the answers its examples expect (the same check as check-portable.mjs)", async () => {
    expect(new Set(examples.calls.map((c) => c.tool))).toEqual(new Set(pack.tools.keys()));
    for (const call of examples.calls) {
      const t = tool(call.tool);
      const answer =
        t.kind === "effect"
          ? (await backend.effect(t.sql, call.args, t.spec.result, `example:${call.tool}`, t.name)).result
          : await backend.query(t.sql, call.args, t.spec.result);
      const row = (Array.isArray(answer) ? answer[0] : answer) as Record<string, unknown>;
      if (call.expectRows !== undefined) expect((answer as unknown[]).length, call.tool).toBe(call.expectRows);
      for (const [key, value] of Object.entries(call.expect ?? {})) {
        if (typeof value === "number") expect(row[key], `${call.tool}.${key}`).toBeCloseTo(value, 6);
        else expect(row[key], `${call.tool}.${key}`).toBe(value);
      }
    }
  });

  it("gates effects, lets queries run, needs a second person to release a held lot and approval for scrap above £2,500", async () => {
    const context = { pack, backend };
    for (const t of pack.tools.values()) {
      if (t.kind === "query") expect(t.requiresApproval, t.name).toBe(false);
      else expect(t.requiresApproval, t.name).toBe(true);
    }
    expect(await gateFor(context, "quality_manager", tool("place_hold"), { lot_id: "LOT-24301", reason: "check" })).toEqual({
      requiresApproval: true,
      reasons: [],
    });
    // LOT-24104's hold was released long ago: a release still needs a reviewer, and says why.
    const release = await gateFor(context, "quality_manager", tool("release_lot"), { lot_id: "LOT-24104", hold_id: 1, reason: "sorted" });
    expect(release.requiresApproval).toBe(true);
    expect(release.reasons[0]).toMatch(/^Releasing a held lot needs a second person.*\(get_active_hold found nothing to check\)$/);
    const small = await gateFor(context, "quality_manager", tool("scrap_lot"), { lot_id: "LOT-24108", quantity: 79, reason: "porosity" });
    expect(small).toEqual({ requiresApproval: false, reasons: [] });
    const large = await gateFor(context, "quality_manager", tool("scrap_lot"), { lot_id: "LOT-24108", quantity: 1800, reason: "porosity" });
    expect(large.requiresApproval).toBe(true);
    expect(large.highRisk).toMatch(/more than £2,500 needs the quality manager's approval/);
    expect(large.reasons).toHaveLength(2);
  });

  it("gives the SPC server the very measurements of the SQL seed, and the image archive the reference findings", () => {
    const spc = JSON.parse(fs.readFileSync(join(QC_DIR, "mcp", "data", "spc.json"), "utf8")) as {
      subgroups: { characteristic_id: string; lot_id: string; subgroup: number; values: number[] }[];
    };
    const db = new Database(":memory:");
    for (const part of pack.seed.sqlite ?? []) db.exec(part);
    const rows = db
      .prepare("SELECT characteristic_id, lot_id, subgroup, sample, value FROM measurements ORDER BY characteristic_id, subgroup, sample")
      .all() as { characteristic_id: string; lot_id: string; subgroup: number; sample: number; value: number }[];
    expect(rows.length).toBeGreaterThanOrEqual(1000);
    const fromJson = spc.subgroups.flatMap((g) =>
      g.values.map((value, i) => ({
        characteristic_id: g.characteristic_id,
        lot_id: g.lot_id,
        subgroup: g.subgroup,
        sample: i + 1,
        value,
      })),
    );
    fromJson.sort((a, b) => a.characteristic_id.localeCompare(b.characteristic_id) || a.subgroup - b.subgroup || a.sample - b.sample);
    expect(fromJson).toEqual(rows);
    const perCharacteristic = db
      .prepare("SELECT MIN(n) FROM (SELECT COUNT(*) AS n FROM measurements GROUP BY characteristic_id)")
      .pluck()
      .get() as number;
    expect(perCharacteristic).toBeGreaterThanOrEqual(150);

    const images = JSON.parse(fs.readFileSync(join(QC_DIR, "mcp", "data", "images.json"), "utf8")) as {
      images: { image_ref: string; file: string }[];
    };
    const references = db.prepare("SELECT image_ref FROM aoi_findings WHERE reference_image = 1 ORDER BY id").pluck().all();
    expect(images.images.map((i) => i.image_ref)).toEqual(references);
    for (const image of images.images) expect(fs.existsSync(join(QC_DIR, "mcp", "images", image.file)), image.file).toBe(true);
    db.close();
  });

  it("ships MCP servers that keep to their own data and never open Guild's databases", () => {
    for (const file of ["spc-server.mjs", "vision-server.mjs"]) {
      const source = fs.readFileSync(join(QC_DIR, "mcp", file), "utf8");
      expect(source, file).not.toMatch(/better-sqlite3|\bpg\b|\.sqlite|GUILD_DATA_DIR|\.\.\//);
    }
  });
});
