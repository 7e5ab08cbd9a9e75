import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { CLIENT_DIST_DIR } from "../../client/build.ts";
import type { RunEvent } from "../../server/contract/index.ts";
import { DEMO_TASK } from "../support/runtime.ts";
import { pendingOf, useServer } from "../support/server.ts";
import { SKIP_REASON, SocketControl, timelineSeqs, useBrowser } from "./browser.ts";

const t = useServer({ clientDir: CLIENT_DIST_DIR });
const browser = useBrowser();

async function eventLog(runId: string): Promise<RunEvent[]> {
  return (await t.api<{ events: RunEvent[] }>("GET", `/api/runs/${runId}/events`)).body.events;
}

/** The page's timeline, once it has caught up with the log: each event once, in seq order, the same types. */
async function expectTimelineMatchesLog(page: Page, runId: string): Promise<void> {
  const log = await eventLog(runId);
  await expect.poll(() => timelineSeqs(page)).toEqual(log.map((e) => e.seq));
  const types = await page.locator(".timeline li[data-seq]").evaluateAll((items) => items.map((item) => item.getAttribute("data-type")));
  expect(types).toEqual(log.map((e) => e.type));
}

describe.skipIf(SKIP_REASON)(`a run view that reloads or loses its connection${SKIP_REASON ? ` (skipped: ${SKIP_REASON})` : ""}`, () => {
  it("shows every event exactly once after a reload and after a dropped connection, as the event log has them", async () => {
    const { body } = await t.api("POST", "/api/runs", { task: DEMO_TASK });
    const runId: string = body.run.id;
    const { approvals } = await pendingOf(t, runId);
    expect(approvals.map((a) => a.action.name)).toEqual(["issue_payment"]);

    const network = new SocketControl();
    const { page, record } = await browser.open(`${t.url}/#/runs/${runId}`, { socket: network });
    await page.getByRole("article", { name: /issue_payment/ }).waitFor();
    await expectTimelineMatchesLog(page, runId);

    // Mid-run: the page reloads, and subscribes again from nothing.
    await page.reload();
    await page.getByRole("article", { name: /issue_payment/ }).waitFor();
    await expectTimelineMatchesLog(page, runId);

    // The connection drops; the run moves on meanwhile; the page resubscribes after its last seq.
    const before = (await timelineSeqs(page)).length;
    expect(network.connections).toBe(2);
    await network.drop();
    const paid = await t.api("POST", `/api/approvals/${approvals[0]!.id}/decision`, { type: "approve" });
    expect(paid.status).toBe(200);
    const email = page.getByRole("article", { name: /send_email/ });
    await email.waitFor();
    await expectTimelineMatchesLog(page, runId);
    expect((await timelineSeqs(page)).length).toBeGreaterThan(before);
    expect(network.connections).toBe(3);

    await email.getByRole("button", { name: "Approve", exact: true }).click();
    await page.locator(".run-header .badge-completed").waitFor();
    await expectTimelineMatchesLog(page, runId);
    expect((await eventLog(runId)).at(-1)!.type).toBe("run.completed");
    expect(record).toEqual({ dialogs: [], errors: [] });
  });
});
