import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { CLIENT_DIST_DIR } from "../../client/build.ts";
import type { Approval, Run } from "../../server/contract/index.ts";
import { DEMO_TASK } from "../support/runtime.ts";
import { pendingOf, useServer } from "../support/server.ts";
import { screenshotPath, SKIP_REASON, useBrowser } from "./browser.ts";

const t = useServer({ clientDir: CLIENT_DIST_DIR });
const browser = useBrowser();
const PHONE = { width: 390, height: 844 };

/** How far the page reaches sideways: no wider than the screen, or the reader scrolls sideways. */
const pageWidth = (page: Page): Promise<number> => page.evaluate("document.documentElement.scrollWidth") as Promise<number>;
const topOf = (page: Page, selector: string): Promise<number> =>
  page
    .locator(selector)
    .first()
    .evaluate((el) => el.getBoundingClientRect().top + el.ownerDocument.documentElement.scrollTop);

describe.skipIf(SKIP_REASON)(`a reviewer on a phone (390 x 844)${SKIP_REASON ? ` (skipped: ${SKIP_REASON})` : ""}`, () => {
  it("reads the inbox, a paused run and a finished run with its audit trail without scrolling sideways; the inbox's cards come first", async () => {
    // One run finished (its audit table has rows), one paused at its payment.
    const done = (await t.api<{ run: Run }>("POST", "/api/runs", { task: DEMO_TASK })).body.run.id;
    for (;;) {
      const { status, approvals } = await pendingOf(t, done);
      if (status !== "awaiting_approval") break;
      for (const approval of approvals as Approval[])
        await t.api("POST", `/api/approvals/${approval.id}/decision`, { type: "approve", reviewer: "ana" });
    }
    const paused = (await t.api<{ run: Run }>("POST", "/api/runs", { task: DEMO_TASK })).body.run.id;
    await pendingOf(t, paused);

    const { page, record } = await browser.open(t.url, { viewport: PHONE });
    const card = page.getByRole("article", { name: /issue_payment/ });
    await card.waitFor();
    expect(await pageWidth(page)).toBeLessThanOrEqual(PHONE.width);
    // The inbox's first card is on the first screen, ahead of the start form and the run list.
    expect(await topOf(page, ".approval-card")).toBeLessThan(PHONE.height);
    await page.screenshot({ path: screenshotPath("phone-inbox.png"), fullPage: true });

    await page.goto(`${t.url}/#/runs/${paused}`);
    await page.getByRole("article", { name: /issue_payment/ }).waitFor();
    expect(await pageWidth(page)).toBeLessThanOrEqual(PHONE.width);
    // Its graph, opened, marks where the run waits: the approval of a tool call.
    await page.getByText("The pack's graph").click();
    const graph = page.getByRole("img", { name: /graph/ });
    await expect.poll(() => graph.locator("g.graph-current").allTextContents()).toEqual(["approval.tool_call"]);
    expect(await graph.getAttribute("aria-label")).toMatch(/the run is at approval\.tool_call$/);
    await page.screenshot({ path: screenshotPath("phone-paused-graph.png"), fullPage: true });

    await page.goto(`${t.url}/#/runs/${done}`);
    await page.locator(".run-header .badge-completed").waitFor();
    await page.locator("table").first().waitFor();
    expect(await pageWidth(page)).toBeLessThanOrEqual(PHONE.width);
    // The answer starts on the first screen.
    expect(await topOf(page, "section.answer")).toBeLessThan(PHONE.height);
    await page.screenshot({ path: screenshotPath("phone-run-view.png"), fullPage: true });
    expect(record.errors).toEqual([]);
  });
});
