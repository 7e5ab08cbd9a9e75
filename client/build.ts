import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** The web client's folder, and where its build goes (served by the server at `/`). */
export const CLIENT_DIR = fileURLToPath(new URL(".", import.meta.url));
export const CLIENT_DIST_DIR = path.join(CLIENT_DIR, "dist");

/** What the build is made from: a change to any of these makes `client/dist` stale. */
const SOURCES = ["index.html", "src", "vite.config.ts", "tsconfig.json"];

function newestChange(file: string): number {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  return fs.readdirSync(file).reduce((newest, name) => Math.max(newest, newestChange(path.join(file, name))), stat.mtimeMs);
}

/** Whether `client/dist` is missing or older than the client's sources. */
export function clientBuildIsStale(): boolean {
  const built = fs.statSync(path.join(CLIENT_DIST_DIR, "index.html"), { throwIfNoEntry: false });
  if (!built) return true;
  return SOURCES.some((source) => newestChange(path.join(CLIENT_DIR, source)) > built.mtimeMs);
}

/** Builds the client with Vite into `client/dist`. */
export async function buildClient(options: { quiet?: boolean } = {}): Promise<void> {
  const { build } = await import("vite");
  await build({ configFile: path.join(CLIENT_DIR, "vite.config.ts"), logLevel: options.quiet ? "warn" : "info" });
}

/** Builds the client unless `client/dist` is up to date; true when it built. */
export async function ensureClientBuilt(options: { quiet?: boolean } = {}): Promise<boolean> {
  if (!clientBuildIsStale()) return false;
  await buildClient(options);
  return true;
}

// `tsx client/build.ts [--if-stale]`: npm install builds always (dependencies may have changed),
// npm start only when the sources changed since the last build.
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const ifStale = process.argv.includes("--if-stale");
  if (ifStale && !clientBuildIsStale()) {
    process.stdout.write("client/dist is up to date\n");
  } else {
    // One line, not Vite's list of every chunk: warnings and errors still show.
    const started = performance.now();
    await buildClient({ quiet: true });
    process.stdout.write(`built the web client into client/dist (${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
  }
}
