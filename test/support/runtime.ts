import { afterEach, beforeEach } from "vitest";
import type { Approval, Decision, Run } from "../../server/contract/index.ts";
import { Runtime, type RuntimeOptions } from "../../server/runtime/index.ts";
import { readLedger } from "./ledger.ts";
import { freshStorage, type StoragePlace, type TestStorage } from "./storage.ts";

export { DEMO_TASK, tempDataDir } from "./clients.ts";
export { freshStorage, TEST_ENGINE, type StoragePlace, type TestStorage } from "./storage.ts";

/** Opens a runtime on a place (a data directory, or a test's storage on either engine) with the offline model. */
export function openRuntime(place: string | StoragePlace, options: Partial<RuntimeOptions> = {}): Promise<Runtime> {
  const { dataDir, databaseUrl } = typeof place === "string" ? { dataDir: place, databaseUrl: undefined } : place;
  return Runtime.open({ dataDir, ...(databaseUrl ? { databaseUrl } : {}), models: { defaultModel: "offline" }, sweepMs: 0, ...options });
}

/**
 * Answers each approval with what `decide` returns until the run stops waiting; returns the run
 * and the approvals in the order they were asked.
 */
export async function answerUntilDone(
  runtime: Runtime,
  runId: string,
  decide: (approval: Approval) => Decision,
): Promise<{ run: Run; asked: Approval[] }> {
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
export async function effectsOf(runtime: Runtime, claimId = "CLM-1001"): Promise<{ payments: number; emails: number }> {
  const backend = runtime.backendOf("insurance-claims");
  return {
    payments: await backend.count("payments", { claim_id: claimId }),
    emails: await backend.count("email_outbox", { claim_id: claimId }),
  };
}

/** Reads the pack's back-end directly (the SQLite file, or the Postgres schema), as an operator would. */
export async function paymentsFor(
  place: string | StoragePlace,
  claimId = "CLM-1001",
): Promise<{ amount: number; payee: string; reference: string }[]> {
  const { payments } = await readLedger(typeof place === "string" ? { dataDir: place } : place);
  return payments.filter((p) => p.claimId === claimId).map(({ amount, payee, reference }) => ({ amount, payee, reference }));
}

/**
 * Gives each test of the file a fresh place on the engine under test and a runtime on it, closed
 * and removed after the test. A test may replace `runtime` (the replacement is closed instead).
 */
export function useRuntime(options: Partial<RuntimeOptions> = {}): { dir: string; storage: TestStorage; runtime: Runtime } {
  const context = {} as { dir: string; storage: TestStorage; runtime: Runtime };
  beforeEach(async () => {
    context.storage = await freshStorage();
    context.dir = context.storage.dataDir;
    context.runtime = await openRuntime(context.storage, options);
  });
  afterEach(async () => {
    await context.runtime.close();
    await context.storage.remove();
  });
  return context;
}
