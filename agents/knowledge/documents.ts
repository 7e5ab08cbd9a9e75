import { readdir, readFile } from "node:fs/promises";
import { extname, isAbsolute, join } from "node:path";

/** One source document of a specialist's knowledge. */
export interface KnowledgeDocument {
  /** File name relative to the pack's knowledge folder, e.g. "home-policy-wording.md". */
  name: string;
  title: string;
  text: string;
}

const SUPPORTED = new Set([".md", ".txt"]);

/**
 * Reads the named documents from a knowledge folder, in the order named, each at most once.
 * A name ending in "*" matches every .md/.txt file starting with the rest, sorted by name.
 * @example readDocuments("packs/claims/knowledge", ["home-*", "claims-handling-notes.txt"])
 */
export async function readDocuments(dir: string, names: readonly string[]): Promise<KnowledgeDocument[]> {
  const files: string[] = [];
  for (const name of names) {
    for (const file of await resolveName(dir, name)) if (!files.includes(file)) files.push(file);
  }
  return Promise.all(
    files.map(async (name) => {
      const text = await readFile(join(dir, name), "utf8");
      return { name, title: titleOf(name, text), text };
    }),
  );
}

async function resolveName(dir: string, name: string): Promise<string[]> {
  const wanted = name.replace(/\\/g, "/");
  // Manifests come from pack authors; a pack reads its own folder and nothing above it.
  if (isAbsolute(wanted) || wanted.split("/").includes("..")) {
    throw new Error(`Knowledge document "${name}" must be a path inside ${dir}`);
  }
  const slash = wanted.lastIndexOf("/");
  const folder = wanted.slice(0, slash + 1);
  const base = wanted.slice(slash + 1);
  const files = await listFiles(join(dir, folder));

  if (base.endsWith("*")) {
    const prefix = base.slice(0, -1);
    const matches = files.filter((f) => f.startsWith(prefix) && isSupported(f)).sort();
    if (matches.length === 0) {
      throw new Error(`No knowledge document matches "${name}" in ${dir} (no .md or .txt file)`);
    }
    return matches.map((f) => folder + f);
  }
  if (!files.includes(base)) throw new Error(`Knowledge document "${name}" not found in ${dir}`);
  if (!isSupported(base)) {
    throw new Error(`Knowledge document "${name}" is neither Markdown (.md) nor text (.txt)`);
  }
  return [wanted];
}

async function listFiles(folder: string): Promise<string[]> {
  try {
    const entries = await readdir(folder, { withFileTypes: true });
    return entries.filter((e) => e.isFile() || e.isSymbolicLink()).map((e) => e.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}

function isSupported(name: string): boolean {
  return SUPPORTED.has(extname(name).toLowerCase());
}

/** The first "# " heading of a Markdown file, else the file name made readable. */
function titleOf(name: string, text: string): string {
  if (extname(name).toLowerCase() === ".md") {
    const heading = /^#[ \t]+(.+?)[ \t#]*$/m.exec(text)?.[1];
    if (heading) return heading;
  }
  const base = (name.split("/").at(-1) ?? name).replace(/\.[^.]*$/, "").replace(/[-_]+/g, " ");
  return base.charAt(0).toUpperCase() + base.slice(1);
}
