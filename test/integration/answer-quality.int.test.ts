import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventsOfType } from "../../server/contract/index.ts";
import type { Runtime } from "../../server/runtime/index.ts";
import { openRuntime, tempDataDir } from "../support/runtime.ts";

let data: ReturnType<typeof tempDataDir>;
let runtime: Runtime;

beforeAll(async () => {
  data = tempDataDir();
  runtime = await openRuntime(data.dir);
});
afterAll(async () => {
  await runtime.close();
  data.remove();
});

async function ask(task: string) {
  const run = await runtime.waitForRun((await runtime.startRun({ task })).id);
  expect(run.status).toBe("completed");
  return { answer: run.result!.answer, events: await runtime.listEvents(run.id) };
}

describe("answers with the offline model", () => {
  it("searches each question of a step on its own, so the one its words do not dominate is answered too", async () => {
    const first = "What's the payout on a £2,140 storm claim with a £500 voluntary excess";
    const { answer, events } = await ask(`${first}, and how soon after agreeing it should the money be paid?`);
    // One step holds both questions; its search for the whole found only the timing's words, weakly.
    const queries = eventsOfType(events, "retrieval.done").map((e) => e.data.query);
    expect(queries).toContain(first);
    expect(queries).toContain("how soon after agreeing it should the money be paid");
    expect(answer).toMatch(/£2,140 − £500 = £1,640\.00/);
    expect(answer).toContain("settlement-calculation.md § 2.5 Voluntary excess");
  });

  it("checks the cover of the README demo's burst pipe with what the wording covers, not the excess", async () => {
    const { answer } = await ask("Customer on claim CLM-1001 reports that a burst pipe flooded the kitchen. Check the cover.");
    expect(answer).toContain('"4.2.1 What is covered.');
    expect(answer).not.toContain("4.2.3 Excess");
  });

  it("reads informal words as the documents' words", async () => {
    const { answer } = await ask("my telly got smashed when the kids were playing, am I covered?");
    expect(answer).toContain("home-contents-wording.md § 5.5 Accidental damage to contents");
    expect(answer).toMatch(/dropping and breaking a television/);
  });

  it("asks a colleague whose look-up has what the specialist's does not: a claim's date reported and its customer's name", async () => {
    const { answer, events } = await ask("Who is the customer on CLM-1022 and on what date did they report it?");
    expect(answer).toContain("reported date 2026-10-11");
    expect(answer).toContain("Joanna Kowalska");
    const steps = eventsOfType(events, "node.started").flatMap((e) => (e.data.specialist ? [e.data.specialist] : []));
    expect(new Set(steps).size).toBe(2);
  });

  it("declines a question about a named record's value that no record holds, saying what it looked up", async () => {
    const { answer } = await ask("How much does the customer on CLM-1001 pay each month for their policy?");
    expect(answer).toMatch(/The documents and back-end do not answer this: searched .*; looked up .*get_claim \(claimId CLM-1001\)/);
    expect(answer).not.toContain("Sources:");
  });
});
