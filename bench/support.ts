import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pino } from "pino";
import { io as connect, type Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "../server/contract/index.ts";
import { Runtime } from "../server/runtime/index.ts";
import { startServer, type GuildServer } from "../server/start-server.ts";

export const DEMO_TASK =
  "Customer on claim CLM-1001 reports that a burst pipe flooded the kitchen. Check the cover, work out the payout, pay it and email the customer.";

export type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

export function tempDir(label: string): { dir: string; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `guild-bench-${label}-`));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A runtime and a real server on a free port, over a fresh data directory. `beforeServe` sees the
 * runtime first: its event listeners run before the server's, at the moment an event is stored.
 */
export async function benchServer(beforeServe: (runtime: Runtime) => void = () => {}): Promise<{ runtime: Runtime; server: GuildServer; close: () => Promise<void> }> {
  const data = tempDir("server");
  const runtime = await Runtime.open({ dataDir: data.dir, models: { defaultModel: "offline" }, sweepMs: 0 });
  beforeServe(runtime);
  const server = await startServer(runtime, { host: "127.0.0.1", port: 0, apiKeys: [], log: pino({ level: "silent" }) });
  return {
    runtime,
    server,
    close: async () => {
      await server.close();
      await runtime.close();
      data.remove();
    },
  };
}

export async function connectClient(url: string): Promise<Client> {
  const client: Client = connect(url, { transports: ["websocket"], reconnection: false, forceNew: true });
  await new Promise<void>((resolve, reject) => {
    client.once("connect", () => resolve());
    client.once("connect_error", reject);
  });
  return client;
}

export async function post(url: string, body: unknown): Promise<any> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (res.status >= 300) throw new Error(`POST ${url}: ${res.status} ${await res.text()}`);
  return res.json();
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const ms = (value: number): string => `${value.toFixed(2)} ms`;
