import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { BUILTIN_PACKS_DIR, loadPack } from "../../agents/packs/index.ts";
import { writeVariant } from "../../server/eval/variants.ts";

describe("the eval's copies of a pack", () => {
  it("give the generalist the team's MCP tools too, and let the copy's MCP servers find their packages", async () => {
    const pack = await loadPack(path.join(BUILTIN_PACKS_DIR, "manufacturing-qc"));
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "guild-variants-"));
    onTestFinished(() => fs.rmSync(root, { recursive: true, force: true }));

    const packsDir = writeVariant(pack, "generalist", root);
    const manifest = JSON.parse(fs.readFileSync(path.join(packsDir, "manufacturing-qc", "pack.json"), "utf8"));
    expect(manifest.specialists).toHaveLength(1);
    expect(manifest.specialists[0].tools).toEqual(
      expect.arrayContaining(["lot_defect_summary", "spc/lot_capability", "spc/western_electric", "vision/inspect_image"]),
    );
    // The SPC server imports the MCP SDK: from the temp folder it resolves through the linked node_modules.
    expect(fs.existsSync(path.join(root, "node_modules", "@modelcontextprotocol", "sdk", "package.json"))).toBe(true);
  });
});
