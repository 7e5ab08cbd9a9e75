import { describe, expect, it } from "vitest";
import { CLIENT_DIST_DIR } from "../../client/build.ts";
import { eventsOfType, type AuditEntry, type Lesson, type RunEvent } from "../../server/contract/index.ts";
import { DEMO_TASK, paymentsFor } from "../support/runtime.ts";
import { useServer } from "../support/server.ts";
import { runIdOf, screenshotPath, SKIP_REASON, timelineSeqs, unlabelledControls, useBrowser } from "./browser.ts";

const t = useServer({ clientDir: CLIENT_DIST_DIR });
const browser = useBrowser();

describe.skipIf(SKIP_REASON)(`a reviewer in the browser${SKIP_REASON ? ` (skipped: ${SKIP_REASON})` : ""}`, () => {
  it("runs the demo from the form with plan approval: approves the plan, edits the payment to 3000, approves the email; shows the audit trail; forgets the lesson", async () => {
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
    await expect
      .poll(() => plan.locator(".plan-steps li").allTextContents())
      .toEqual([
        expect.stringContaining("Coverage analyst"),
        expect.stringContaining("Payments officer"),
        expect.stringContaining("Customer communications"),
      ]);
    await expect.poll(() => page.getByTestId("inbox-count").textContent()).toBe("1");
    await plan.getByRole("button", { name: "Approve", exact: true }).click();
    await plan.waitFor({ state: "detached" });
    // From here on the decisions carry a name for the audit trail; the plan's did not.
    await page.getByLabel("Your name").fill("rita");

    // The payment, edited from the inbox: checked in the page first, then by the server.
    await page.getByRole("link", { name: /^Inbox/ }).click();
    const payment = page.getByRole("article", { name: /issue_payment/ });
    await payment.waitFor();
    // In the business's words: the pack's title, labels and money format (the edit form keeps the number).
    expect(await payment.locator("h3").textContent()).toMatch(
      /^Pay £3,600\.00 to Eleanor Whitfield on claim CLM-1001 · issue_payment · Payments officer$/,
    );
    expect((await payment.locator(".fields > div").allInnerTexts()).map((f) => f.replace(/\s+/g, " "))).toEqual([
      "Claim CLM-1001",
      "Amount £3,600.00",
      "Payee Eleanor Whitfield",
    ]);
    // The claim as the back-end has it, beside the arguments.
    const facts = await payment.getByLabel("Context").locator("div").allInnerTexts();
    expect(facts.map((f) => f.replace(/\s+/g, " "))).toEqual([
      "Claim status: open",
      "Settlement due: £3,600.00",
      "Paid so far: £0.00",
      "Sum insured: £350,000.00",
      "Customer flagged for review: no",
    ]);
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
    expect(await paymentsFor(t.dir)).toEqual([]);
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

    // Outcome first: the task's first line as the title, the answer on the first screen (900 px
    // high), and what was done in the pack's words.
    expect(await page.locator("#run-title").textContent()).toMatch(
      /^Customer on claim CLM-1001 reports that a burst pipe flooded the kitchen\./,
    );
    expect(await answer.evaluate((el) => el.getBoundingClientRect().top + el.ownerDocument.documentElement.scrollTop)).toBeLessThan(900);
    const done = await page.getByRole("region", { name: "What was done" }).locator("li > strong").allInnerTexts();
    expect(done).toEqual([
      "Pay £3,000.00 to Eleanor Whitfield on claim CLM-1001",
      "Email eleanor.whitfield@example.co.uk about claim CLM-1001",
    ]);
    expect(await page.locator(".effect-done").count()).toBe(2);

    // The payment row holds the edited amount; the event log says the same.
    expect((await paymentsFor(t.dir)).map((p) => p.amount)).toEqual([3000]);
    const { body } = await t.api<{ events: RunEvent[] }>("GET", `/api/runs/${runId}/events`);
    const paid = eventsOfType(body.events, "tool.result").find((e) => e.data.tool === "issue_payment")!;
    expect(paid.data.result).toMatchObject({ paid_amount: 3000 });
    await expect.poll(() => timelineSeqs(page)).toEqual(body.events.map((e) => e.seq));
    // The pack's graph as a picture: Mermaid's SVG of the server's drawing, with the graph's nodes.
    // Folded away below the outcome until asked for.
    await page.getByText("The pack's graph").click();
    const graph = page.getByRole("img", { name: /graph/ });
    await graph.locator("svg").waitFor();
    expect(await graph.textContent()).toEqual(expect.stringContaining("approval.tool_call"));
    // The path the run took, marked live on the picture: it ended, through every kind of node it used.
    await expect.poll(() => graph.locator("g.graph-current").allTextContents()).toEqual(["__end__"]);
    const visited = (await graph.locator("g.graph-visited").allTextContents()).map((t) => t.trim());
    for (const node of [
      "__start__",
      "memory.recall",
      "supervisor.plan",
      "approval.plan",
      "specialist.retrieve",
      "specialist.reason",
      "approval.tool_call",
      "tools",
      "supervisor.answer",
      "memory.save",
    ])
      expect(visited, node).toContain(node);
    const plannedSteps = await page.locator(".plan .step").evaluateAll((steps) => steps.map((s) => s.className));
    expect(plannedSteps).toEqual(["step step-done", "step step-done", "step step-done"]);

    // The run list follows too: no runs-wide event, it reads the list again after the run's events.
    await expect.poll(() => page.locator(`.run-list li[data-run-id="${runId}"] .badge`).textContent()).toBe("completed");

    // The audit trail: every decision, oldest first, as GET /api/runs/:id/audit has them.
    const { audit } = (await t.api<{ audit: AuditEntry[] }>("GET", `/api/runs/${runId}/audit`)).body;
    expect(audit.map((e) => [e.action, e.event, e.decision, e.reviewer ?? null])).toEqual([
      ["plan", "decided", "approve", null],
      ["issue_payment", "decided", "edit", "rita"],
      ["send_email", "decided", "approve", "rita"],
    ]);
    const rows = page
      .getByRole("region", { name: "Audit trail" })
      .getByRole("row")
      .filter({ has: page.locator("td") });
    await expect
      .poll(() => rows.evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute("data-audit-id")))))
      .toEqual(audit.map((e) => e.id));
    expect(await rows.locator("time").evaluateAll((times) => times.map((time) => time.getAttribute("datetime")))).toEqual(
      audit.map((e) => e.at),
    );
    const cells = (row: number): Promise<string[]> => rows.nth(row).getByRole("cell").allInnerTexts();
    // When, action, what happened, who (unverified without keys: the name is what the reviewer typed), via (details: below).
    expect((await cells(0)).slice(1, 5)).toEqual(["Plan", "Decided: approve\nnow approved", "not named", "REST"]);
    expect((await cells(1)).slice(1, 5)).toEqual([
      "issue_payment tool call",
      "Decided: edit\nnow approved with edits",
      "rita (unverified)",
      "REST",
    ]);
    expect((await cells(2)).slice(1, 5)).toEqual(["send_email tool call", "Decided: approve\nnow approved", "rita (unverified)", "REST"]);
    const edited = rows.nth(1);
    expect(await edited.locator(".arg-changed dt").allTextContents()).toEqual(["amount"]);
    expect([await edited.locator(".arg-changed del").textContent(), await edited.locator(".arg-changed ins").textContent()]).toEqual([
      "3600",
      "3000",
    ]);
    expect(await edited.locator(".arg-same dt").allTextContents()).toEqual(["claimId", "payee"]);

    expect(await unlabelledControls(page)).toEqual([]);
    await page.evaluate("window.scrollTo(0, 0)");
    await page.screenshot({ path: screenshotPath("run-view.png"), fullPage: true });

    // Lessons: the edit taught the payments officer about issue_payment. Another reviewer has the page open too.
    const lessons = async (): Promise<Lesson[]> => (await t.api<{ lessons: Lesson[] }>("GET", "/api/lessons")).body.lessons;
    const taught = (await lessons()).find((l) => l.specialist === "payments_officer" && l.tool === "issue_payment")!;
    expect(taught.text).toBe("On claim CLM-1001, editing issue_payment, a reviewer lowered the amount from £3,600.00 to £3,000.00.");
    const other = await browser.open(`${t.url}/#/lessons`);
    const stale = other.page.locator(`li[data-lesson-id="${taught.id}"]`);
    await stale.waitFor();
    await page.getByRole("link", { name: "Lessons" }).click();
    await page.waitForURL(/#\/lessons$/);
    const filter = page.getByLabel("Specialist");
    await filter.selectOption({ label: "Coverage analyst" });
    await page.getByText("No lessons for Coverage analyst.").waitFor();
    await filter.selectOption({ label: "Payments officer" });
    const lesson = page.locator(`li[data-lesson-id="${taught.id}"]`);
    await lesson.waitFor();
    expect(await page.locator("li[data-lesson-id]").count()).toBe(1);
    expect(await lesson.locator(".lesson-meta strong").textContent()).toBe("Payments officer · issue_payment");
    expect(await lesson.locator(".lesson-text").textContent()).toBe(taught.text);
    // Under a heading of its specialist, and about its claim only.
    expect(await page.locator(".lesson-group h2").allTextContents()).toEqual(["Payments officer · Insurance claims desk 1"]);
    expect(await lesson.locator(".lesson-scope").textContent()).toBe(" · about CLM-1001 only");

    // Edit, in place: Escape cancels and gives the focus back; an empty text is refused in plain words; Save keeps the new text.
    const edit = lesson.getByRole("button", { name: /^Edit/ });
    await edit.click();
    const words = lesson.getByLabel("Lesson", { exact: true });
    await expect.poll(() => words.evaluate((area) => area.matches(":focus"))).toBe(true);
    await words.fill("Something else");
    await page.keyboard.press("Escape");
    await expect.poll(() => edit.evaluate((button) => button.matches(":focus"))).toBe(true);
    expect(await lesson.locator(".lesson-text").textContent()).toBe(taught.text);
    await edit.click();
    await words.fill("  ");
    await lesson.getByRole("button", { name: "Save" }).click();
    expect(await lesson.getByRole("alert").textContent()).toBe("Write the lesson, or press Cancel to keep it as it was.");
    const rule = "Pay no more than the settlement letter says.";
    await words.fill(rule);
    await lesson.getByLabel("every run of the pack").check();
    expect(await unlabelledControls(page)).toEqual([]);
    await lesson.getByRole("button", { name: "Save" }).click();
    await lesson.locator(".lesson-text", { hasText: rule }).waitFor();
    await expect.poll(() => edit.evaluate((button) => button.matches(":focus"))).toBe(true);
    expect(await lesson.locator(".lesson-scope").textContent()).toBe(" · general");
    expect((await lessons()).find((l) => l.id === taught.id)).toMatchObject({ text: rule, scope: "general" });

    // Forget, from the keyboard: the confirmation takes the focus; Escape keeps the lesson; Enter twice forgets it.
    const forget = lesson.getByRole("button", { name: /^Forget/ });
    await forget.focus();
    await page.keyboard.press("Enter");
    const yes = lesson.getByRole("button", { name: "Yes, forget it" });
    await expect.poll(() => yes.evaluate((button) => button.matches(":focus"))).toBe(true);
    expect(await unlabelledControls(page)).toEqual([]);
    await page.screenshot({ path: screenshotPath("lessons.png"), fullPage: true });
    await page.keyboard.press("Escape");
    await expect.poll(() => forget.evaluate((button) => button.matches(":focus"))).toBe(true);
    await page.keyboard.press("Enter");
    await expect.poll(() => yes.evaluate((button) => button.matches(":focus"))).toBe(true);
    await page.keyboard.press("Enter");
    await lesson.waitFor({ state: "detached" });
    expect(await page.getByRole("status").filter({ hasText: "Forgotten" }).textContent()).toBe(
      "Forgotten: the lesson for Payments officer, issue_payment. Later runs no longer recall it.",
    );
    expect((await lessons()).map((l) => l.id)).not.toContain(taught.id);

    // The other reviewer, who still sees it, is told it was already forgotten.
    await stale.getByRole("button", { name: /^Forget/ }).click();
    await stale.getByRole("button", { name: "Yes, forget it" }).click();
    await stale.waitFor({ state: "detached" });
    expect(await other.page.getByRole("status").filter({ hasText: "forgot" }).textContent()).toBe(
      "Someone else already forgot the lesson for Payments officer, issue_payment; it is gone from the list.",
    );
    expect([record, other.record]).toEqual([
      { dialogs: [], errors: [] },
      { dialogs: [], errors: [] },
    ]);
    await other.page.context().close();
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
