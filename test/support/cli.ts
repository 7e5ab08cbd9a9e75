import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");
export const BIN = path.join(ROOT, "bin", "guild.mjs");
export const FIXTURE_PACKS = path.join(ROOT, "test", "fixtures", "packs");

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts `guild` in a child process with its own environment (never the test's). */
export function spawnCli(args: readonly string[], env: Record<string, string>): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NO_COLOR: "1", ...env },
  });
}

/** Runs `guild` to the end, writing `input` to its stdin, and collects its output. */
export function runCli(args: readonly string[], env: Record<string, string>, input = ""): Promise<CliResult> {
  const child = spawnCli(args, env);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  child.stdin.end(input);
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Resolves with the first NDJSON event on the child's stdout that matches, keeping the rest flowing. */
export function waitForEvent(
  child: ChildProcessWithoutNullStreams,
  match: (event: { type: string; data: Record<string, unknown> }) => boolean,
) {
  return new Promise<{ type: string; runId: string; data: Record<string, unknown> }>((resolve, reject) => {
    let buffer = "";
    child.stdout.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      let newline: number;
      while ((newline = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        const event = JSON.parse(line);
        if (match(event)) resolve(event);
      }
    });
    child.on("close", (code) => reject(new Error(`guild exited (${code}) before the event`)));
  });
}

/** Starts `guild serve` on a free port; resolves with the child and the URL it prints. */
export async function serve(env: Record<string, string>) {
  const child = spawnCli(["serve"], { PORT: "0", ...env });
  let out = "";
  let logs = "";
  child.stderr.on("data", (chunk) => (logs += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.on("close", (code) => reject(new Error(`serve exited ${code}: ${out}${logs}`)));
  });
  return { child, url, output: () => out, logs: () => logs };
}
