import { describe, expect, it } from "vitest";
import { CLIENT_DIST_DIR } from "../../client/build.ts";
import { useServer } from "../support/server.ts";
import { screenshotPath, SKIP_REASON, useBrowser } from "./browser.ts";

const QC_DEMO_TASK =
  "Lot LOT-24108 of ECU housings shows a rising AOI reject rate. Find the cause of the defects, check the process capability of the bore, place the lot on hold and ask the supplier for an 8D.";

const t = useServer({ clientDir: CLIENT_DIST_DIR });
const browser = useBrowser();

describe.skipIf(SKIP_REASON)(`the quality control pack in the browser${SKIP_REASON ? ` (skipped: ${SKIP_REASON})` : ""}`, () => {
  it("is picked from the pack list, plans its four steps, shows the SPC server's results and asks for the hold and the 8D request on cards", async () => {
    const { page, record } = await browser.open(t.url);
    await page.getByRole("status", { name: "Connection: Live" }).waitFor();
    await page.getByLabel("Pack").selectOption("manufacturing-qc");
    await page.getByLabel("Task").fill(QC_DEMO_TASK);
    await page.getByRole("button", { name: "Start run" }).click();
    await page.waitForURL(/#\/runs\//);

    const hold = page.getByRole("article", { name: /place_hold/ });
    await hold.waitFor();
    await expect.poll(() => hold.textContent()).toMatch(/LOT-24108/);
    const steps = page.locator(".plan-steps > li strong");
    await expect
      .poll(() => steps.allInnerTexts())
      .toEqual(["Inspection analyst", "Process engineer", "Quality manager", "Supplier quality engineer"]);
    await expect
      .poll(() =>
        page
          .getByText(/spc\/western_electric returned/)
          .first()
          .isVisible(),
      )
      .toBe(true);
    await hold.getByRole("button", { name: "Approve", exact: true }).click();

    const scar = page.getByRole("article", { name: /raise_scar/ });
    await scar.waitFor();
    await expect.poll(() => scar.textContent()).toMatch(/quality@castwell-foundry\.example/);
    await page.screenshot({ path: screenshotPath("qc-run-view.png") });
    await scar.getByRole("button", { name: "Approve", exact: true }).click();

    const answer = page.getByRole("region", { name: "Answer" });
    await expect.poll(() => answer.textContent(), { timeout: 30_000 }).toMatch(/HLD-1004[\s\S]*SCAR-24005/);
    expect(await t.runtime.backendOf("manufacturing-qc").count("holds", { lot_id: "LOT-24108", status: "active" })).toBe(1);
    expect(record.errors).toEqual([]);
  });
});
