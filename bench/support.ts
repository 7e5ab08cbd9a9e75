import { pino } from "pino";
import { Runtime } from "../server/runtime/index.ts";
import { startServer, type GuildServer } from "../server/start-server.ts";
import { request, tempDataDir } from "../test/support/clients.ts";

export { connectSocket, DEMO_TASK, type Client } from "../test/support/clients.ts";

export const tempDir = (label: string) => tempDataDir(`guild-bench-${label}-`);

/**
 * A runtime and a real server on a free port, over a fresh data directory. `beforeServe` sees the
 * runtime first: its event listeners run before the server's, at the moment an event is stored.
 */
export async function benchServer(
  beforeServe: (runtime: Runtime) => void = () => {},
): Promise<{ runtime: Runtime; server: GuildServer; close: () => Promise<void> }> {
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

/** POSTs JSON and returns the answer's body; a status of 300 or more is an error. */
export async function post(url: string, body: unknown): Promise<any> {
  const { status, body: answer } = await request(url, "POST", "", body);
  if (status >= 300) throw new Error(`POST ${url}: ${status} ${JSON.stringify(answer)}`);
  return answer;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const ms = (value: number): string => `${value.toFixed(2)} ms`;
