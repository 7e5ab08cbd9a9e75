import { describe, expect, it } from "vitest";
import { CLIENT_DIST_DIR } from "../../client/build.ts";
import type { Approval, Run } from "../../server/contract/index.ts";
import { DEMO_TASK } from "../support/runtime.ts";
import { until, useServer } from "../support/server.ts";
import { SKIP_REASON, SocketControl, useBrowser } from "./browser.ts";

const t = useServer({ clientDir: CLIENT_DIST_DIR });
const browser = useBrowser();

async function pendingApproval(runId: string, action: string): Promise<Approval> {
  return until(`${action} to be asked`, async () => {
    const { body } = await t.api<{ run: Run }>("GET", `/api/runs/${runId}`);
    return body.run.pendingApprovals.find((a) => a.action.name === action);
  });
}

describe.skipIf(SKIP_REASON)(`two reviewers on one run${SKIP_REASON ? ` (skipped: ${SKIP_REASON})` : ""}`, () => {
  it("shows one reviewer's decision to the other live; the slower one is told it was already decided", async () => {
    const { body } = await t.api<{ run: Run }>("POST", "/api/runs", { task: DEMO_TASK, options: { planApproval: true } });
    const runId = body.run.id;
    await pendingApproval(runId, "plan");

    // Ben's network is slow: the test can hold back what the server tells his page.
    const slow = new SocketControl();
    const ana = await browser.open(`${t.url}/#/runs/${runId}`);
    const ben = await browser.open(`${t.url}/#/runs/${runId}`, { socket: slow });
    await ana.page.getByLabel("Your name").fill("ana");
    await ben.page.getByLabel("Your name").fill("ben");

    // Ana approves the plan; Ben's card says so at once, without a reload.
    const planAtBen = ben.page.getByRole("article", { name: /Plan approval/ });
    await planAtBen.getByRole("button", { name: "Approve", exact: true }).waitFor();
    await ana.page
      .getByRole("article", { name: /Plan approval/ })
      .getByRole("button", { name: "Approve", exact: true })
      .click();
    await expect.poll(() => planAtBen.getByRole("status").textContent()).toBe("Already decided by someone else: approved (by ana).Dismiss");
    expect(await planAtBen.getByRole("button", { name: "Approve", exact: true }).count()).toBe(0);
    await ben.page.locator('.timeline li[data-type="approval.resolved"]').filter({ hasText: "by ana" }).waitFor();

    // The payment: Ben has not heard that Ana approved it when he tries to approve it too.
    const paymentAtBen = ben.page.getByRole("article", { name: /issue_payment/ });
    await paymentAtBen.waitFor();
    await ana.page.getByRole("article", { name: /issue_payment/ }).waitFor();
    slow.hold();
    await ana.page
      .getByRole("article", { name: /issue_payment/ })
      .getByRole("button", { name: "Approve", exact: true })
      .click();
    const payment = await until("Ana's approval to be stored", async () => {
      const { body } = await t.api<{ approvals: Approval[] }>("GET", `/api/approvals?status=approved&runId=${runId}`);
      return body.approvals.find((a) => a.action.name === "issue_payment");
    });
    expect(payment.decision).toEqual({ type: "approve", reviewer: "ana" });
    await paymentAtBen.getByRole("button", { name: "Approve", exact: true }).click();
    await expect
      .poll(() => paymentAtBen.getByRole("status").textContent())
      .toBe("Already decided by someone else: approved (by ana). Your decision was not applied.Dismiss");
    slow.release();

    // Then Ben is first on the email, and Ana sees that live.
    const emailAtBen = ben.page.getByRole("article", { name: /send_email/ });
    await emailAtBen.getByRole("button", { name: "Approve", exact: true }).click();
    const emailAtAna = ana.page.getByRole("article", { name: /send_email/ });
    await expect
      .poll(() => emailAtAna.getByRole("status").textContent())
      .toBe("Already decided by someone else: approved (by ben).Dismiss");
    await emailAtAna.getByRole("button", { name: "Dismiss" }).click();
    await emailAtAna.waitFor({ state: "detached" });

    for (const { page } of [ana, ben]) await page.locator(".run-header .badge-completed").waitFor();
    const decided = (await t.api<{ approvals: Approval[] }>("GET", `/api/approvals?status=approved&runId=${runId}`)).body.approvals;
    expect(decided.map((a) => [a.action.name, a.decision?.reviewer])).toEqual([
      ["plan", "ana"],
      ["issue_payment", "ana"],
      ["send_email", "ben"],
    ]);
    expect([ana.record, ben.record]).toEqual([
      { dialogs: [], errors: [] },
      { dialogs: [], errors: [] },
    ]);
  });
});
