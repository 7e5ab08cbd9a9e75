import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach } from "vitest";
import type { Approval, Decision, Run } from "../../server/contract/index.ts";
import { Runtime, type RuntimeOptions } from "../../server/runtime/index.ts";
import { tempDataDir } from "./clients.ts";

export { DEMO_TASK, tempDataDir } from "./clients.ts";

/** Opens a runtime on a data directory with the offline model. */
export function openRuntime(dataDir: string, options: Partial<RuntimeOptions> = {}): Promise<Runtime> {
  return Runtime.open({ dataDir, models: { defaultModel: "offline" }, sweepMs: 0, ...options });
}

/**
 * Answers each approval with what `decide` returns until the run stops waiting; returns the run
 * and the approvals in the order they were asked.
 */
export async function answerUntilDone(runtime: Runtime, runId: string, decide: (approval: Approval) => Decision): Promise<{ run: Run; asked: Approval[] }> {
  const asked: Approval[] = [];
  let run = await runtime.waitForRun(runId);
  for (let rounds = 0; run.status === "awaiting_approval"; rounds += 1) {
    if (rounds > 20) throw new Error("too many approval rounds");
    for (const approval of run.pendingApprovals) {
      asked.push(approval);
      await runtime.decide(approval.id, decide(approval));
    }
    run = await runtime.waitForRun(runId);
  }
  return { run, asked };
}

/** Rows of the pack's back-end for the demo claim. */
export function effectsOf(runtime: Runtime, claimId = "CLM-1001"): { payments: number; emails: number } {
  const backend = runtime.backendOf("insurance-claims");
  return { payments: backend.count("payments", { claim_id: claimId }), emails: backend.count("email_outbox", { claim_id: claimId }) };
}

/** Reads the pack's back-end file directly, as an operator would. */
export function paymentsFor(dataDir: string, claimId = "CLM-1001"): { amount: number; payee: string; reference: string }[] {
  const file = path.join(dataDir, "packs", "insurance-claims.sqlite");
  if (!fs.existsSync(file)) return [];
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare("SELECT amount, payee, reference FROM payments WHERE claim_id = ? ORDER BY id").all(claimId) as never;
  } finally {
    db.close();
  }
}

/**
 * Gives each test of the file a fresh data directory and a runtime on it, closed and removed
 * after the test. A test may replace `runtime` (the replacement is closed instead).
 */
export function useRuntime(options: Partial<RuntimeOptions> = {}): { dir: string; runtime: Runtime } {
  const context = {} as { dir: string; runtime: Runtime };
  let remove = (): void => {};
  beforeEach(async () => {
    const data = tempDataDir();
    context.dir = data.dir;
    remove = data.remove;
    context.runtime = await openRuntime(data.dir, options);
  });
  afterEach(async () => {
    await context.runtime.close();
    remove();
  });
  return context;
}
