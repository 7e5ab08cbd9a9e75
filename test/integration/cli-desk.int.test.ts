import { afterEach, describe, expect, it } from "vitest";
import type { Approval, Run, RunEvent } from "../../server/contract/index.ts";
import { runCli, serve } from "../support/cli.ts";
import { request, tempDataDir } from "../support/clients.ts";
import { DEMO_TASK, paymentsFor } from "../support/runtime.ts";

let cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

function dataDir(): Record<string, string> {
  const data = tempDataDir();
  cleanups.push(() => data.remove());
  return { GUILD_DATA_DIR: data.dir };
}

/** Runs a desk command that must succeed and prints JSON, and parses its output. */
async function json<T>(args: string[], env: Record<string, string>): Promise<T> {
  const result = await runCli([...args, "--json"], env);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as T;
}

describe("the CLI answers runs left paused", () => {
  it("on the local data directory: lists the approval, decides it, the run goes on in the deciding process, and shows what it did", async () => {
    const env = dataDir();
    // The run pauses at the payment and the CLI exits (its input is empty), telling the command.
    const started = await runCli(["run", DEMO_TASK], env);
    expect(started.code).toBe(1);
    const hint = /npx guild decide (apr_\S+) approve/.exec(started.stderr);
    expect(hint, started.stderr).not.toBeNull();

    const { runs } = await json<{ runs: Run[] }>(["runs", "--status", "awaiting_approval"], env);
    expect(runs).toHaveLength(1);
    const runId = runs[0]!.id;
    const { approvals } = await json<{ approvals: Approval[] }>(["approvals", "--run", runId], env);
    expect(approvals.map((a) => [a.id, a.action.name, a.action.args.amount])).toEqual([[hint![1], "issue_payment", 3600]]);

    // An edit merges --args over what was proposed; the run then pauses at the email.
    const edited = await json<{ approval: Approval; run: Run }>(["decide", approvals[0]!.id, "edit", "--args", '{"amount": 3000}'], env);
    expect(edited.approval).toMatchObject({ status: "edited" });
    expect(edited.run.status).toBe("awaiting_approval");
    expect(edited.run.pendingApprovals.map((a) => a.action.name)).toEqual(["send_email"]);

    const again = await runCli(["decide", approvals[0]!.id, "approve"], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/conflict: .*no longer pending: it was edited/);

    const done = await json<{ run: Run }>(["decide", edited.run.pendingApprovals[0]!.id, "approve"], env);
    expect(done.run.status).toBe("completed");
    expect((await paymentsFor(env.GUILD_DATA_DIR!)).map((p) => p.amount)).toEqual([3000]);

    const shown = await json<{ run: Run; effects: { tool: string; done: boolean; result?: Record<string, unknown> }[] }>(
      ["show", runId],
      env,
    );
    expect(shown.run.result?.answer).toMatch(/3,000/);
    expect(shown.effects.map((e) => [e.tool, e.done])).toEqual([
      ["issue_payment", true],
      ["send_email", true],
    ]);
    expect(shown.effects[0]!.result).toMatchObject({ paid_amount: 3000 });
  });

  it("shows an effect a reviewer rejected before it ran as not done, with the reviewer's reason", async () => {
    const env = dataDir();
    await runCli(["run", DEMO_TASK], env);
    const { runs } = await json<{ runs: Run[] }>(["runs", "--status", "awaiting_approval"], env);
    const runId = runs[0]!.id;
    const [payment] = (await json<{ approvals: Approval[] }>(["approvals", "--run", runId], env)).approvals;
    let { run } = await json<{ run: Run }>(["decide", payment!.id, "reject", "--message", "the loss adjuster's report is not in yet"], env);
    while (run.status === "awaiting_approval") run = (await json<{ run: Run }>(["decide", run.pendingApprovals[0]!.id, "reject"], env)).run;
    expect(await paymentsFor(env.GUILD_DATA_DIR!)).toEqual([]);

    const shown = await json<{ effects: { tool: string; state: string; done: boolean; error?: string }[] }>(["show", runId], env);
    expect(shown.effects[0]).toMatchObject({
      tool: "issue_payment",
      state: "not done",
      done: false,
      error: "rejected by cli: the loss adjuster's report is not in yet",
    });
    const text = await runCli(["show", runId], env);
    expect(text.stdout).toMatch(
      /✗ Pay £3,600\.00 to Eleanor Whitfield on claim CLM-1001: not done: rejected by cli: the loss adjuster's report is not in yet/,
    );
  });

  it("refuses a decision it cannot make with a clear message, and deciding nothing changes nothing", async () => {
    const env = dataDir();
    const bad = await runCli(["decide", "apr_x", "maybe"], env);
    expect(bad.code).toBe(64);
    expect(bad.stderr).toMatch(/must be one of approve, reject, edit, respond, redirect, not 'maybe'/);
    const missing = await runCli(["decide", "apr_nope", "approve"], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/not_found/);
    const noMessage = await runCli(["decide", "apr_nope", "respond"], env);
    expect(noMessage.code).toBe(1);
    expect(noMessage.stderr).toMatch(/not_found|respond needs --message/);
    expect(await json<{ runs: Run[] }>(["runs"], env)).toEqual({ runs: [] });
  });

  it("against a running server with --server and --key: approvals, decide, and follow print what the event log holds", async () => {
    const env: Record<string, string> = { ...dataDir(), GUILD_API_KEYS: "k-desk" };
    const server = await serve(env);
    cleanups.push(() => server.child.kill("SIGKILL"));
    const remote = ["--server", server.url, "--key", "k-desk"];
    const auth = { authorization: "Bearer k-desk" };
    const started = await request(server.url, "POST", "/api/runs", { task: DEMO_TASK }, auth);
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const runId = started.body.run.id as string;

    // Without the key the server refuses, and the CLI says so.
    const refused = await runCli(["approvals", "--server", server.url], {});
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/unauthorized: .*HTTP 401/);

    let approvals: Approval[] = [];
    for (let i = 0; i < 50 && approvals.length === 0; i++) {
      approvals = (await json<{ approvals: Approval[] }>(["approvals", "--run", runId, ...remote], {})).approvals;
      if (approvals.length === 0) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(approvals.map((a) => a.action.name)).toEqual(["issue_payment"]);
    const paid = await json<{ approval: Approval; run: Run }>(["decide", approvals[0]!.id, "approve", ...remote], {});
    expect(paid.run.status).toBe("awaiting_approval");
    const done = await json<{ run: Run }>(["decide", paid.run.pendingApprovals[0]!.id, "approve", ...remote], {});
    expect(done.run.status).toBe("completed");

    const followed = await runCli(["follow", runId, "--json", ...remote], {});
    expect(followed.code).toBe(0);
    const printed = followed.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as RunEvent);
    const log = (await request(server.url, "GET", `/api/runs/${runId}/events`, undefined, auth)).body.events as RunEvent[];
    expect(printed).toEqual(log);
    expect(printed.at(-1)!.type).toBe("run.completed");
    expect(await paymentsFor(env.GUILD_DATA_DIR!)).toHaveLength(1);
  });
});
