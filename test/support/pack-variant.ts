import fs from "node:fs";
import path from "node:path";
import { BUILTIN_PACKS_DIR } from "../../agents/packs/index.ts";
import { tempDir } from "./temp.ts";

/**
 * A copy of the built-in insurance-claims pack with its manifest changed, in a packs folder of
 * its own: how a test tries another policy on the real pack.
 * @example const variant = packVariant((m) => { m.policy.answerApproval = true; });
 */
export function packVariant(change: (manifest: any) => void): { root: string; remove(): void } {
  const { dir: root, remove } = tempDir("guild-pack-");
  const dir = path.join(root, "insurance-claims");
  fs.cpSync(path.join(BUILTIN_PACKS_DIR, "insurance-claims"), dir, { recursive: true });
  const file = path.join(dir, "pack.json");
  const manifest = JSON.parse(fs.readFileSync(file, "utf8"));
  change(manifest);
  fs.writeFileSync(file, JSON.stringify(manifest, null, 2));
  return { root, remove };
}

/** The manifest's declaration of one tool, to change its policy. */
export function toolOf(manifest: any, name: string): any {
  const tool = manifest.tools.find((t: { name: string }) => t.name === name);
  if (!tool) throw new Error(`no tool ${name} in the manifest`);
  return tool;
}
