import { describe, expect, it } from "vitest";
import { CLIENT_DIST_DIR } from "../../client/build.ts";
import type { RunEvent } from "../../server/contract/index.ts";
import { DEMO_TASK, paymentsFor } from "../support/runtime.ts";
import { useServer } from "../support/server.ts";
import { runIdOf, screenshotPath, SKIP_REASON, timelineSeqs, unlabelledControls, useBrowser } from "./browser.ts";

const t = useServer({ clientDir: CLIENT_DIST_DIR });
const browser = useBrowser();

describe.skipIf(SKIP_REASON)(`a reviewer in the browser${SKIP_REASON ? ` (skipped: ${SKIP_REASON})` : ""}`, () => {
  it("runs the demo from the form with plan approval: approves the plan, edits the payment to 3000, approves the email", async () => {
    const { page, record } = await browser.open(t.url);
    await expect.poll(() => page.getByTestId("model").textContent()).toBe("Model: offline model (deterministic rules, no LLM)");
    await page.getByRole("status", { name: "Connection: Live" }).waitFor();

    await page.getByLabel("Task").fill(DEMO_TASK);
    await page.getByLabel("Plan approval").check();
    await page.getByRole("button", { name: "Start run" }).click();
    await page.waitForURL(/#\/runs\//);
    const runId = runIdOf(page);

    // The plan, approved from the run view.
    const plan = page.getByRole("article", { name: /Plan approval/ });
    await expect.poll(() => plan.locator(".plan-steps li").allTextContents()).toEqual([
      expect.stringContaining("Coverage analyst"),
      expect.stringContaining("Payments officer"),
      expect.stringContaining("Customer communications"),
    ]);
    await expect.poll(() => page.getByTestId("inbox-count").textContent()).toBe("1");
    await plan.getByRole("button", { name: "Approve", exact: true }).click();
    await plan.waitFor({ state: "detached" });

    // The payment, edited from the inbox: checked in the page first, then by the server.
    await page.getByRole("link", { name: /^Inbox/ }).click();
    const payment = page.getByRole("article", { name: /issue_payment/ });
    await payment.waitFor();
    expect(await payment.locator(".fields").textContent()).toContain("3600");
    expect(await page.getByTestId("inbox-count").textContent()).toBe("1");
    await page.screenshot({ path: screenshotPath("inbox.png"), fullPage: true });

    await payment.getByRole("button", { name: "Edit" }).click();
    const amount = payment.getByLabel("amount");
    const send = payment.getByRole("button", { name: "Approve with these arguments" });
    expect(await unlabelledControls(page)).toEqual([]);
    await amount.fill("three thousand");
    await send.click();
    await payment.getByText("amount must be a number").waitFor();
    await amount.fill("0");
    await send.click();
    // The tool's schema wants at least 0.01: the server's 400 names args.amount, shown beside it.
    await expect.poll(() => payment.locator(".field-error").allTextContents()).toEqual([expect.stringMatching(/amount.*0\.01/)]);
    expect(await amount.getAttribute("aria-invalid")).toBe("true");
    expect(paymentsFor(t.dir)).toEqual([]);
    await amount.fill("3000");
    await send.click();
    await payment.waitFor({ state: "detached" });

    // The email, approved from the run view: it was written from what was paid.
    const email = page.getByRole("article", { name: /send_email/ });
    await email.getByRole("link", { name: "Open the run" }).click();
    await page.waitForURL(new RegExp(`#/runs/${runId}$`));
    const emailHere = page.getByRole("article", { name: /send_email/ });
    expect(await emailHere.locator(".fields").textContent()).toContain("£3,000.00");
    // From the keyboard, as every control works.
    await emailHere.getByRole("button", { name: "Approve", exact: true }).focus();
    await page.keyboard.press("Enter");

    await page.locator(".run-header .badge-completed").waitFor();
    const answer = page.getByRole("region", { name: "Answer" });
    expect(await answer.locator(".answer-text").textContent()).toMatch(/PAY-\d{6}/);
    const citations = await answer.locator(".citations li").allTextContents();
    expect(citations).toContainEqual(expect.stringContaining("home-policy-wording.md § 4.2 Escape of water"));
    expect(citations.every((c) => c.length > 40)).toBe(true); // source and excerpt

    // The payment row holds the edited amount; the event log says the same.
    expect(paymentsFor(t.dir).map((p) => p.amount)).toEqual([3000]);
    const { body } = await t.api<{ events: RunEvent[] }>("GET", `/api/runs/${runId}/events`);
    const paid = body.events.find((e) => e.type === "tool.result" && e.data.tool === "issue_payment")!;
    expect(paid.data.result).toMatchObject({ paid_amount: 3000 });
    await expect.poll(() => timelineSeqs(page)).toEqual(body.events.map((e) => e.seq));
    // The pack's graph as a picture: Mermaid's SVG of the server's drawing, with the graph's nodes.
    const graph = page.getByRole("img", { name: /graph/ });
    await graph.locator("svg").waitFor();
    expect(await graph.textContent()).toEqual(expect.stringContaining("approval.tool_call"));
    const plannedSteps = await page.locator(".plan .step").evaluateAll((steps) => steps.map((s) => s.className));
    expect(plannedSteps).toEqual(["step step-done", "step step-done", "step step-done"]);

    // The run list follows too: no runs-wide event, it reads the list again after the run's events.
    await expect.poll(() => page.locator(`.run-list li[data-run-id="${runId}"] .badge`).textContent()).toBe("completed");

    expect(await unlabelledControls(page)).toEqual([]);
    await page.evaluate("window.scrollTo(0, 0)");
    await page.screenshot({ path: screenshotPath("run-view.png"), fullPage: true });
    expect(record).toEqual({ dialogs: [], errors: [] });
  });

  it("shows a task with HTML in it as text: no element made from it, no script run", async () => {
    const task = "Look up claim CLM-1001 <img src=x onerror=alert(1)> and check the fraud indicators.";
    const { page, record } = await browser.open(t.url);
    await page.getByLabel("Task").fill(task);
    await page.getByRole("button", { name: "Start run" }).click();
    await page.waitForURL(/#\/runs\//);
    // The offline answer repeats the task: wait for it, so every place that shows the task has rendered.
    await page.locator(".run-header .badge-completed").waitFor();
    expect(await page.getByTestId("task").textContent()).toBe(task);
    expect(await page.getByRole("region", { name: "Answer" }).textContent()).toContain("<img src=x onerror=alert(1)>");
    expect(await page.locator(`.run-list li[data-run-id="${runIdOf(page)}"]`).textContent()).toContain("<img src=x onerror=alert(1)>");
    expect(await page.locator("img").count()).toBe(0);
    expect(record).toEqual({ dialogs: [], errors: [] });
  });
});
