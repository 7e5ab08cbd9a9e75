#!/usr/bin/env node
// Runs the compiled JavaScript in dist/ (built by `npm install`, `npm run build` and, when stale,
// `npm start`), so that a command loads only what it needs. When dist/ is missing or older than a
// source, it runs the TypeScript sources through tsx instead: a change is never run stale.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const compiled = path.join(root, "dist", "server", "cli", "main.js");

/** The newest change to a TypeScript source the build compiles (agents, graphs, server). */
function newestSource(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(file));
    else if (entry.name.endsWith(".ts")) newest = Math.max(newest, fs.statSync(file).mtimeMs);
  }
  return newest;
}

function compiledIsCurrent() {
  const built = fs.statSync(compiled, { throwIfNoEntry: false });
  if (!built || process.env.GUILD_FROM_SOURCE === "1") return false;
  return ["agents", "graphs", "server"].every((dir) => newestSource(path.join(root, dir)) <= built.mtimeMs);
}

let entry = compiled;
if (!compiledIsCurrent()) {
  const { register } = await import("tsx/esm/api");
  register();
  entry = path.join(root, "server", "cli", "main.ts");
}
const { main } = await import(pathToFileURL(entry).href);
process.exitCode = await main(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
