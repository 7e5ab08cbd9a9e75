import { once } from "node:events";
import { afterEach, describe, expect, it } from "vitest";
import { serve } from "../support/cli.ts";
import type { Approval, Run } from "../../server/contract/index.ts";
import { packVariant, toolOf } from "../support/pack-variant.ts";
import { BUILTIN_PACKS_DIR } from "../../agents/packs/index.ts";
import { readLedger } from "../support/ledger.ts";
import { DEMO_TASK } from "../support/runtime.ts";
import { call, pendingOf, request, useServer, type ApiAnswer } from "../support/server.ts";

// Twenty payments on one claim: the races are the subject here, not the pack's business rules
// (which would refuse every payment after the first, the claim being settled). A pack of its own
// id, as the CLI's server loads the built-in packs beside it.
const PACK = "insurance-claims-races";
const variant = packVariant((m) => {
  m.id = PACK;
  delete toolOf(m, "issue_payment").preconditions;
});
const t = useServer({ runtime: { packDirs: [BUILTIN_PACKS_DIR, variant.root] } });
let other: Awaited<ReturnType<typeof serve>> | undefined;
afterEach(async () => {
  if (!other) return;
  other.child.kill("SIGTERM");
  await once(other.child, "close");
  other = undefined;
});

const PAIRS = 20;
const edit = (amount: number) => ({ type: "edit", args: { claimId: "CLM-1001", amount, payee: "Eleanor Whitfield" } });

describe("races", () => {
  it(`decides each of ${PAIRS} approvals twice at once from two server processes (REST vs REST, REST vs socket): exactly one wins each time, one payment each`, async () => {
    const runs = await Promise.all(
      Array.from({ length: PAIRS }, () => t.api<{ run: Run }>("POST", "/api/runs", { task: DEMO_TASK, pack: PACK })),
    );
    const payments = await Promise.all(runs.map(async (r) => (await pendingOf(t, r.body.run.id)).approvals[0]!));
    expect(payments.every((a) => a.action.name === "issue_payment")).toBe(true);
    // A second server process on the same storage: the two sides of each race run truly in
    // parallel, so only the database's compare-and-set can keep one of them out.
    other = await serve({ ...t.storage.env, GUILD_PACKS_DIRS: variant.root });
    const otherUrl = other.url;
    const client = await t.socket();

    // Each pair: one side approves 3600, the other edits to a distinct amount, so the payment shows who won.
    const outcomes = await Promise.all(
      payments.map(async (approval, i) => {
        const amount = 1000 + i;
        const path = `/api/approvals/${approval.id}/decision`;
        const [first, second] =
          i % 2 === 0
            ? await Promise.all([request(otherUrl, "POST", path, { type: "approve" }), t.api("POST", path, edit(amount))])
            : await Promise.all([
                request(otherUrl, "POST", path, { type: "approve" }),
                call<{ approval: Approval }>(client, "approval:decide", { approvalId: approval.id, decision: edit(amount) }),
              ]);
        const [secondWon, secondLost] =
          "status" in second
            ? [second.status === 200, second.status === 409 && (second as ApiAnswer).body.error.code === "conflict"]
            : [second.ok, !second.ok && second.error.code === "conflict"];
        const firstWon = first.status === 200;
        const firstLost = first.status === 409 && first.body.error.code === "conflict";
        return { approval, won: firstWon && secondLost ? 3600 : secondWon && firstLost ? amount : NaN };
      }),
    );
    expect(outcomes.filter((o) => Number.isNaN(o.won))).toEqual([]);

    // Let every run finish (approving the emails), whichever process resumed it, then count the effects.
    for (const approval of payments) {
      const { approvals } = await pendingOf(t, approval.runId);
      for (const email of approvals) await t.api("POST", `/api/approvals/${email.id}/decision`, { type: "approve" });
      expect((await pendingOf(t, approval.runId)).status).toBe("completed");
    }
    const paid = (await readLedger(t.storage, PACK)).payments
      .filter((p) => p.claimId === "CLM-1001")
      .map((p) => p.amount)
      .sort((a, b) => a - b);
    expect(paid).toEqual(outcomes.map((o) => o.won).sort((a, b) => a - b));
  });

  it("creates one run for 10 concurrent POST /api/runs with one Idempotency-Key; another body under that key is refused", async () => {
    const headers = { "idempotency-key": "job-2026-11-28-0001" };
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => t.api<{ run: Run }>("POST", "/api/runs", { task: DEMO_TASK }, headers)),
    );
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 202));
    const ids = new Set(answers.map((a) => a.body.run.id));
    expect(ids.size).toBe(1);
    const { body } = await t.api<{ runs: Run[] }>("GET", "/api/runs");
    expect(body.runs.map((r) => r.id)).toEqual([...ids]);

    // The same request in other words (the default pack named) is the same request; another is refused.
    const same = await t.api<{ run: Run }>("POST", "/api/runs", { pack: "insurance-claims", task: DEMO_TASK }, headers);
    expect(same.body.run.id).toBe([...ids][0]);
    const other = await t.api("POST", "/api/runs", { task: "Look up claim CLM-1005." }, headers);
    expect(other.status).toBe(422);
    expect(other.body.error).toMatchObject({ code: "not_allowed", details: { field: "Idempotency-Key" } });
    const fresh = await t.api<{ run: Run }>("POST", "/api/runs", { task: DEMO_TASK }, { "idempotency-key": "job-2026-11-28-0002" });
    expect(ids.has(fresh.body.run.id)).toBe(false);
  });
});
