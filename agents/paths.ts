import fs from "node:fs";
import path from "node:path";

/**
 * Guild's own folder (the one with its package.json), whether this code runs from the TypeScript
 * sources or compiled into `dist/`: the packs, the built web client and other data stay in the
 * source tree, not in `dist/`.
 */
export const GUILD_ROOT = findRoot(import.meta.dirname);

function findRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "package.json")) && fs.existsSync(path.join(dir, "agents", "packs"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`Guild's folder (with package.json and agents/packs) is not above ${from}`);
  }
}
