import fs from "node:fs";
import path from "node:path";
import { MANIFEST_FILE, type Pack } from "../../agents/packs/index.ts";

/** What is evaluated: the pack's own team of specialists, or one generalist derived from it. */
export type Variant = "team" | "generalist";

/** The id of the one specialist of the generalist variant. */
export const GENERALIST_ID = "generalist";

/**
 * One specialist with every document and every tool of the pack, described by all of the team's
 * descriptions: the team's knowledge and back-end in one place, nothing held back.
 */
function generalistOf(pack: Pack) {
  const unique = (names: readonly string[]) => [...new Set(names)];
  return {
    id: GENERALIST_ID,
    name: "Generalist",
    description: `Does everything the pack's team does, alone. ${pack.specialists.map((s) => s.description).join(" ")}`,
    documents: unique(pack.specialists.flatMap((s) => s.documents)),
    tools: unique(pack.specialists.flatMap((s) => [...s.tools.map((t) => t.name), ...s.mcpTools])),
  };
}

/** The node_modules folder a pack's own programs (its MCP servers) resolve their packages from. */
function nearestNodeModules(dir: string): string | undefined {
  for (let at = dir; ; at = path.dirname(at)) {
    const candidate = path.join(at, "node_modules");
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(at) === at) return undefined;
  }
}

/**
 * Writes a copy of the pack for one variant under `root` and returns the packs folder that holds
 * it, with the pack's node_modules linked beside it for its MCP servers. In every copy each effect tool asks a reviewer, always: the eval approves nothing, so an
 * effect proposed for a question is counted and never executed.
 */
export function writeVariant(pack: Pack, variant: Variant, root: string): string {
  const packsDir = path.join(root, variant);
  const dir = path.join(packsDir, path.basename(pack.dir));
  fs.mkdirSync(packsDir, { recursive: true });
  // The copy lives in a temp folder: its MCP servers must still find the packages they import.
  const modules = nearestNodeModules(pack.dir);
  const link = path.join(root, "node_modules");
  if (modules && !fs.existsSync(link)) fs.symlinkSync(modules, link, "dir");
  fs.cpSync(pack.dir, dir, { recursive: true, filter: (source) => path.relative(pack.dir, source) !== "eval" });
  const file = path.join(dir, MANIFEST_FILE);
  const manifest = JSON.parse(fs.readFileSync(file, "utf8")) as { specialists: unknown[]; tools: { kind?: string; approval?: unknown }[] };
  for (const tool of manifest.tools) if (tool.kind === "effect") tool.approval = "always";
  if (variant === "generalist") manifest.specialists = [generalistOf(pack)];
  fs.writeFileSync(file, JSON.stringify(manifest, null, 2));
  return packsDir;
}

/** The specialist ids of a variant, for model settings that name specialists. */
export function specialistIds(pack: Pack, variant: Variant): string[] {
  return variant === "generalist" ? [GENERALIST_ID] : pack.specialists.map((s) => s.id);
}
