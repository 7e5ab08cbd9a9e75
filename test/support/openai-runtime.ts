import { afterEach, beforeEach } from "vitest";
import type { RetryPolicy } from "../../agents/models/index.ts";
import { Runtime, type RuntimeOptions } from "../../server/runtime/index.ts";
import { scriptedModels } from "./openai-demo.ts";
import { startScriptedOpenAI, type Script, type ScriptedOpenAI } from "./openai-server.ts";
import { tempDataDir } from "./runtime.ts";

export interface ScriptedRuntime {
  /** The test's data directory. */
  dir: string;
  /** Starts a scripted model server and a runtime whose models it serves; both are closed after the test. */
  open(script: Script, options?: Partial<RuntimeOptions> & { retry?: Partial<RetryPolicy> }): Promise<{ server: ScriptedOpenAI; runtime: Runtime }>;
}

/** Gives each test of the file a fresh data directory, and closes what it opened with `open`. */
export function useScriptedRuntime(): ScriptedRuntime {
  let opened: { server: ScriptedOpenAI; runtime?: Runtime } | undefined;
  let remove = (): void => {};
  const context: ScriptedRuntime = {
    dir: "",
    async open(script, { retry, ...options } = {}) {
      const server = await startScriptedOpenAI(script);
      opened = { server };
      const runtime = await Runtime.open({ dataDir: context.dir, models: scriptedModels(server.url, retry ? { retry } : {}), sweepMs: 0, ...options });
      opened.runtime = runtime;
      return { server, runtime };
    },
  };
  beforeEach(() => {
    const data = tempDataDir();
    context.dir = data.dir;
    remove = data.remove;
  });
  afterEach(async () => {
    await opened?.runtime?.close();
    await opened?.server.close();
    opened = undefined;
    remove();
  });
  return context;
}
