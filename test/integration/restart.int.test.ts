import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BUILTIN_PACKS_DIR } from "../../agents/packs/index.ts";
import type { Runtime } from "../../server/runtime/index.ts";
import { FIXTURE_PACKS, runCli, spawnCli, waitForEvent } from "../support/cli.ts";
import { until } from "../support/clients.ts";
import { answerUntilDone, DEMO_TASK, effectsOf, openRuntime, paymentsFor, freshStorage, type TestStorage } from "../support/runtime.ts";

let data: TestStorage;
let runtime: Runtime | undefined;

beforeEach(async () => {
  data = await freshStorage();
});
afterEach(async () => {
  await runtime?.close();
  runtime = undefined;
  await data.remove();
});

describe("a paused run survives its process", () => {
  it("is answered by a fresh runtime in another process and pays exactly once", async () => {
    // The CLI starts the run, pauses at the payment approval and exits: its input is empty.
    const first = await runCli(["run", DEMO_TASK, "--json"], data.env);
    expect(first.code).toBe(1);
    expect(first.stderr).toMatch(/npx guild decide \S+ approve/);
    const events = first.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(events.at(-1).type).toBe("approval.requested");
    const runId = events[0].runId as string;

    // This test process is the new process: nothing of the first one is in memory here.
    runtime = await openRuntime(data);
    const paused = await runtime.getRun(runId);
    expect(paused.status).toBe("awaiting_approval");
    expect(paused.pendingApprovals.map((a) => a.action.name)).toEqual(["issue_payment"]);

    const { run } = await answerUntilDone(runtime, runId, () => ({ type: "approve" }));
    expect(run.status).toBe("completed");
    expect(await paymentsFor(data)).toHaveLength(1);
    expect(await effectsOf(runtime)).toEqual({ payments: 1, emails: 1 });
    const log = await runtime.listEvents(runId);
    expect(log.map((e) => e.seq)).toEqual(log.map((_, i) => i + 1));
  });
});

describe("a run whose process is killed mid-step", () => {
  it("is resumed from its last checkpoint by the next runtime and finishes with its effect once", async () => {
    const env = { ...data.env, GUILD_PACKS_DIRS: FIXTURE_PACKS, GUILD_LEASE_MS: "500" };
    const child = spawnCli(["run", "--pack", "slow-archive", "--json", "Look up REF-001 in the archive and record a note"], env);
    // search_archive takes seconds; the process dies while it runs.
    const called = await waitForEvent(child, (e) => e.type === "tool.called" && e.data.tool === "search_archive");
    const exited = new Promise((resolve) => child.on("close", resolve));
    child.kill("SIGKILL");
    await exited;

    runtime = await openRuntime(data, { packDirs: [BUILTIN_PACKS_DIR, FIXTURE_PACKS], leaseMs: 500, sweepMs: 100 });
    expect((await runtime.getRun(called.runId)).status).toBe("running");
    // Once the dead process's lease runs out, the sweep takes the run over.
    const resumed = await until(
      "the sweep to take the run over",
      async () => {
        const run = await runtime!.getRun(called.runId);
        return run.status !== "running" && run;
      },
      30_000,
    );
    expect(resumed.status).toBe("awaiting_approval");
    expect(resumed.pendingApprovals.map((a) => a.action.name)).toEqual(["record_note"]);

    const { run } = await answerUntilDone(runtime, called.runId, () => ({ type: "approve" }));
    expect(run.status).toBe("completed");
    expect(await runtime.backendOf("slow-archive").count("notes", { ref: "REF-001" })).toBe(1);
    const log = await runtime.listEvents(called.runId);
    expect(log.map((e) => e.seq)).toEqual(log.map((_, i) => i + 1));
    expect(log.filter((e) => e.type === "run.started")).toHaveLength(1);
  });
});
