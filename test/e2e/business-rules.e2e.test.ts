import { describe, expect, it } from "vitest";
import { CLIENT_DIST_DIR } from "../../client/build.ts";
import { DEMO_TASK, paymentsFor } from "../support/runtime.ts";
import { pendingOf, useServer } from "../support/server.ts";
import { SKIP_REASON, useBrowser } from "./browser.ts";

const t = useServer({ clientDir: CLIENT_DIST_DIR });
const browser = useBrowser();

describe.skipIf(SKIP_REASON)(
  `a payment that breaks the pack's rules, in the browser${SKIP_REASON ? ` (skipped: ${SKIP_REASON})` : ""}`,
  () => {
    it("shows the broken rules in red on the card, puts it first in the inbox, and pays nothing when the reviewer rejects it", async () => {
      // The demo once, paid: the claim is settled.
      const first = (await t.api("POST", "/api/runs", { task: DEMO_TASK })).body.run.id as string;
      for (let round = 0; round < 2; round += 1) {
        const { approvals } = await pendingOf(t, first);
        for (const approval of approvals) await t.api("POST", `/api/approvals/${approval.id}/decision`, { type: "approve" });
      }
      expect(await paymentsFor(t.storage)).toHaveLength(1);
      // The demo again: its payment breaks two of the pack's rules.
      const second = (await t.api("POST", "/api/runs", { task: DEMO_TASK })).body.run.id as string;
      expect((await pendingOf(t, second)).approvals[0]!.violations).toHaveLength(2);

      const { page, record } = await browser.open(`${t.url}/#/inbox`);
      const card = page.getByRole("article", { name: /issue_payment/ });
      await card.waitFor();
      const rules = card.getByRole("alert").filter({ hasText: "Breaks the pack's rules" });
      await expect.poll(() => rules.textContent()).toContain("claim CLM-1001 is already settled");
      expect(await rules.textContent()).toContain("£3600.00 paid of £3600.00 due");
      // In red, styled as a high-risk warning is.
      expect(await rules.getAttribute("class")).toContain("risk");
      expect(await page.locator(".risk-count").textContent()).toMatch(/1 high risk/);

      await card.getByRole("button", { name: "Reject", exact: true }).click();
      await card.getByLabel("Reason (optional)").fill("Already settled: not paying twice.");
      await card.getByRole("button", { name: "Confirm reject" }).click();
      await expect
        .poll(async () => (await t.api("GET", `/api/runs/${second}`)).body.run.pendingApprovals[0]?.action.name)
        .toBe("send_email");
      expect(await paymentsFor(t.storage)).toHaveLength(1);
      expect(record.errors).toEqual([]);
    });
  },
);
