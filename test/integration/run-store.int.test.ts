import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ApprovalRequest } from "../../graphs/index.ts";
import { openRuntimeDatabase } from "../../server/runtime/database.ts";
import { SqliteRunStore } from "../../server/runtime/runs/index.ts";
import { tempDataDir } from "../support/runtime.ts";

let data: ReturnType<typeof tempDataDir>;
let stores: SqliteRunStore[] = [];
beforeEach(() => {
  data = tempDataDir();
});
afterEach(() => {
  stores.forEach((s) => s.close());
  stores = [];
  data.remove();
});

/** A store on its own connection to the data directory, as another process would have. */
function connection(): SqliteRunStore {
  const store = new SqliteRunStore(openRuntimeDatabase(data.dir));
  stores.push(store);
  return store;
}

const request: ApprovalRequest = {
  action_request: { action: "issue_payment", args: { claimId: "CLM-1001", amount: 3600, payee: "Eleanor Whitfield" } },
  config: { allow_accept: true, allow_edit: true, allow_respond: true, allow_ignore: true },
  description: "Pay the claim",
  guild: { approvalId: "apr_1", kind: "tool_call", allowRedirect: true },
};

describe("the run store across connections", () => {
  it("lets exactly one of two connections decide an approval both saw pending", () => {
    const [a, b] = [connection(), connection()];
    a.createRun({ id: "run_1", status: "awaiting_approval", task: "pay", pack: "insurance-claims", planApproval: false, model: { provider: "offline", name: "offline" } });
    a.upsertApproval({ id: "apr_1", runId: "run_1", interruptId: "i1", request });
    // Both read it pending, as two processes racing would; then both try to decide.
    expect(a.getApproval("apr_1")!.status).toBe("pending");
    expect(b.getApproval("apr_1")!.status).toBe("pending");
    const at = new Date().toISOString();
    const first = a.decideApproval("apr_1", "approved", { type: "approve" }, at);
    const second = b.decideApproval("apr_1", "edited", { type: "edit", args: { amount: 1 } }, at);
    expect([first, second]).toEqual([true, false]);
    expect(b.getApproval("apr_1")).toMatchObject({ status: "approved", decision: { type: "approve" } });
  });

  it("numbers events of one run without gaps and orders every run's events by one global id, whichever connection stores them", () => {
    const [a, b] = [connection(), connection()];
    for (const id of ["run_a", "run_b"]) a.createRun({ id, status: "running", task: "t", pack: "p", planApproval: false, model: { provider: "offline", name: "offline" } });
    const stored = [a.appendEvent("run_a", "x", {}), b.appendEvent("run_a", "y", {}), b.appendEvent("run_b", "z", {}), a.appendEvent("run_a", "w", {})];
    expect(stored.map((e) => `${e.runId}:${e.seq}`)).toEqual(["run_a:1", "run_a:2", "run_b:1", "run_a:3"]);
    const feed = b.eventsAfterId(0, 100);
    expect(feed.map((f) => f.event.type)).toEqual(["x", "y", "z", "w"]);
    expect(feed.map((f) => f.id)).toEqual([...feed.map((f) => f.id)].sort((x, y) => x - y));
    expect(a.eventsAfterId(feed[1]!.id, 100).map((f) => f.event.type)).toEqual(["z", "w"]);
  });

  it("keeps the events of a data directory from before events had global ids, in order", () => {
    const legacy = openRuntimeDatabase(data.dir);
    legacy.exec("DROP TABLE events");
    legacy.exec("CREATE TABLE events (run_id TEXT NOT NULL, seq INTEGER NOT NULL, type TEXT NOT NULL, at TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (run_id, seq)) WITHOUT ROWID");
    const insert = legacy.prepare("INSERT INTO events VALUES (?, ?, ?, ?, '{}')");
    insert.run("run_b", 1, "b1", "2026-11-01T10:00:01.000Z");
    insert.run("run_a", 1, "a1", "2026-11-01T10:00:00.000Z");
    insert.run("run_a", 2, "a2", "2026-11-01T10:00:02.000Z");
    legacy.close();

    const store = connection();
    expect(store.eventsAfterId(0, 10).map((f) => f.event.type)).toEqual(["a1", "b1", "a2"]);
    expect(store.appendEvent("run_a", "a3", {}).seq).toBe(3);
    expect(store.lastEventId()).toBe(4);
  });
});
