import { describe, expect, it } from "vitest";
import { CLIENT_DIST_DIR } from "../../client/build.ts";
import { PRINCIPALS, as } from "../support/principals.ts";
import { pendingOf, useServer } from "../support/server.ts";
import { SKIP_REASON, useBrowser } from "./browser.ts";

const t = useServer({ clientDir: CLIENT_DIST_DIR, principals: PRINCIPALS });
const browser = useBrowser();

const LARGE_CLAIM =
  "Customer on claim CLM-1005 lost control on black ice and hit a stone wall. Check the cover, work out the payout, pay it and email the customer.";

describe.skipIf(SKIP_REASON)(`who may decide, in the browser${SKIP_REASON ? ` (skipped: ${SKIP_REASON})` : ""}`, () => {
  it("takes an auth-file key, shows who you are, and says on the card which role may approve and that you cannot", async () => {
    const runId = (await t.api("POST", "/api/runs", { task: LARGE_CLAIM }, as("k-ana"))).body.run.id as string;
    await pendingOf({ api: (m, p, b) => t.api(m, p, b, as("k-ana")) }, runId);

    const { page, record } = await browser.open(`${t.url}/#/inbox`);
    await page.locator("#api-key").fill("k-ana");
    await page.getByRole("button", { name: "Use this key" }).click();
    await expect.poll(() => page.getByTestId("who").textContent()).toBe("Signed in as Ana Ruiz (acme · submitter, reviewer)");

    const card = page.getByRole("article", { name: /issue_payment/ });
    await card.waitFor();
    await expect.poll(() => card.getByTestId("authority").textContent()).toContain("a reviewer with the role claims_manager");
    expect(await card.getByTestId("authority").textContent()).toContain(
      "You cannot approve or edit it: you do not have the role claims_manager",
    );
    expect(await card.getByRole("button", { name: "Approve" }).isDisabled()).toBe(true);
    expect(await card.getByRole("button", { name: "Edit" }).isDisabled()).toBe(true);
    expect(await card.getByRole("button", { name: "Reject" }).isDisabled()).toBe(false);
    expect(record.errors).toEqual([]);
  });
});
