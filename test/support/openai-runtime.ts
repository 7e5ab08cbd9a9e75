import { pino } from "pino";
import { afterEach, beforeEach, expect } from "vitest";
import { startServer, type GuildServer } from "../../server/start-server.ts";
import type { RetryPolicy } from "../../agents/models/index.ts";
import { Runtime, type RuntimeOptions } from "../../server/runtime/index.ts";
import { scriptedModels } from "./openai-demo.ts";
import { startScriptedOpenAI, type Script, type ScriptedOpenAI } from "./openai-server.ts";
import { freshStorage, type TestStorage } from "./runtime.ts";

export interface ScriptedRuntime {
  /** The test's data directory. */
  dir: string;
  /** Where the test keeps everything, on the engine under test. */
  storage: TestStorage;
  /**
   * Starts a scripted model server, a runtime whose models it serves, and the HTTP server over that
   * runtime; after the test, the HTTP server must still answer, whatever the model did. All are closed.
   */
  open(
    script: Script,
    options?: Partial<RuntimeOptions> & { retry?: Partial<RetryPolicy>; vision?: string[] },
  ): Promise<{ server: ScriptedOpenAI; runtime: Runtime }>;
}

/** Gives each test of the file a fresh data directory, and closes what it opened with `open`. */
export function useScriptedRuntime(): ScriptedRuntime {
  let opened: { server: ScriptedOpenAI; runtime?: Runtime; http?: GuildServer } | undefined;
  const context: ScriptedRuntime = {
    dir: "",
    storage: undefined as never,
    async open(script, { retry, vision, ...options } = {}) {
      const server = await startScriptedOpenAI(script);
      opened = { server };
      const { databaseUrl } = context.storage;
      const runtime = await Runtime.open({
        dataDir: context.dir,
        ...(databaseUrl ? { databaseUrl } : {}),
        models: scriptedModels(server.url, { ...(retry ? { retry } : {}), ...(vision ? { vision } : {}) }),
        sweepMs: 0,
        ...options,
      });
      opened.runtime = runtime;
      opened.http = await startServer(runtime, { host: "127.0.0.1", port: 0, apiKeys: [], log: pino({ level: "silent" }) });
      return { server, runtime };
    },
  };
  beforeEach(async () => {
    context.storage = await freshStorage();
    context.dir = context.storage.dataDir;
  });
  afterEach(async () => {
    if (opened?.http) {
      const health = await fetch(`${opened.http.url}/api/health`);
      expect(health.status, "the server still serves after the model's faults").toBe(200);
      const runs = (await (await fetch(`${opened.http.url}/api/runs`)).json()) as { runs: unknown[] };
      expect(runs.runs.length).toBeGreaterThan(0);
      await opened.http.close();
    }
    await opened?.runtime?.close();
    await opened?.server.close();
    opened = undefined;
    await context.storage.remove();
  });
  return context;
}
