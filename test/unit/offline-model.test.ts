import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  OfflineModel,
  specialistCard,
  type ActRequest,
  type SpecialistCard,
  type StepReport,
  type ToolExchange,
} from "../../agents/models/index.ts";
import { BUILTIN_PACKS_DIR, loadPack, type Pack } from "../../agents/packs/index.ts";

const DEMO_TASK =
  "Customer on claim CLM-1001 reports that a burst pipe flooded the kitchen. Check the cover, work out the payout, pay it and email the customer.";

const model = new OfflineModel();
let pack: Pack;
let cards: SpecialistCard[];

beforeAll(async () => {
  pack = await loadPack(join(BUILTIN_PACKS_DIR, "insurance-claims"));
  cards = pack.specialists.map(specialistCard);
});

function card(id: string): SpecialistCard {
  const found = cards.find((c) => c.id === id);
  if (!found) throw new Error(`no specialist ${id} in the pack`);
  return found;
}

describe("OfflineModel.plan", () => {
  it("plans the demo task as cover, payment, then the customer email", async () => {
    const { steps } = await model.plan({ task: DEMO_TASK, specialists: cards, lessons: [] });
    expect(steps.map((s) => s.specialist)).toEqual(["coverage_analyst", "payments_officer", "communications"]);
    expect(steps[0]?.instruction).toMatch(/check the cover/i);
    expect(steps[1]?.instruction).toBe("Work out the payout, pay it");
    expect(steps[2]?.instruction).toBe("Email the customer");
  });

  it("sends a fraud investigation to the claims investigator", async () => {
    const { steps } = await model.plan({ task: "Investigate claim CLM-1007 for fraud", specialists: cards, lessons: [] });
    expect(steps).toEqual([{ specialist: "claims_investigator", instruction: "Investigate claim CLM-1007 for fraud" }]);
  });

  it("gives the same plan for the same task", async () => {
    const first = await model.plan({ task: DEMO_TASK, specialists: cards, lessons: [] });
    const second = await model.plan({ task: DEMO_TASK, specialists: cards, lessons: [] });
    expect(second).toEqual(first);
  });

  it("revises a plan with a reviewer's feedback, keeping the steps already agreed", async () => {
    const previous = (await model.plan({ task: DEMO_TASK, specialists: cards, lessons: [] })).steps;
    const { steps } = await model.plan({
      task: DEMO_TASK,
      specialists: cards,
      lessons: [],
      previous,
      feedback: "also check the claim history for fraud",
    });
    expect(steps.slice(0, previous.length)).toEqual(previous);
    expect(steps.map((s) => s.specialist)).toEqual(["coverage_analyst", "payments_officer", "communications", "claims_investigator"]);
    expect(steps.at(-1)?.instruction).toMatch(/claim history for fraud/i);
  });

  it("still gives one step to a task that matches no specialist", async () => {
    const { steps } = await model.plan({ task: "Hello there", specialists: cards, lessons: [] });
    expect(steps).toHaveLength(1);
    expect(steps[0]?.instruction).toBe("Hello there");
    expect(cards.map((c) => c.id)).toContain(steps[0]?.specialist);
  });
});

describe("OfflineModel.act", () => {
  const calculated: ToolExchange = {
    id: "s2t0-calculate_payout",
    name: "calculate_payout",
    args: { claimId: "CLM-1001" },
    status: "done",
    result: { amount: 3600, payee: "Eleanor Whitfield", claim_id: "CLM-1001" },
  };
  const facts = { amount: 3600, payee: "Eleanor Whitfield", claim_id: "CLM-1001" };
  const proposedPayment = {
    id: "s2t1-issue_payment",
    name: "issue_payment",
    args: { claimId: "CLM-1001", amount: 3600, payee: "Eleanor Whitfield" },
  };

  function paymentsRequest(overrides: Partial<ActRequest> = {}): ActRequest {
    return {
      task: DEMO_TASK,
      specialist: card("payments_officer"),
      instruction: "Work out the payout, pay it",
      passages: [],
      facts: {},
      history: [],
      lessons: [],
      searches: [],
      callIdPrefix: "s2t0-",
      ...overrides,
    };
  }

  it("first works out the payout for the claim named in the task", async () => {
    const result = await model.act(paymentsRequest());
    expect(result).toEqual({
      kind: "tool_calls",
      calls: [{ id: "s2t0-calculate_payout", name: "calculate_payout", args: { claimId: "CLM-1001" } }],
    });
  });

  it("then proposes the payment of the calculated amount to the payee", async () => {
    const result = await model.act(paymentsRequest({ facts, history: [calculated], callIdPrefix: "s2t1-" }));
    expect(result).toEqual({
      kind: "tool_calls",
      calls: [{ id: "s2t1-issue_payment", name: "issue_payment", args: { claimId: "CLM-1001", amount: 3600, payee: "Eleanor Whitfield" } }],
    });
  });

  it("stops and reports the payment as not made when the reviewer rejects it", async () => {
    const rejected: ToolExchange = { ...proposedPayment, status: "rejected" };
    const result = await model.act(paymentsRequest({ facts, history: [calculated, rejected], callIdPrefix: "s2t2-" }));
    expect(result.kind).toBe("done");
    if (result.kind !== "done") return;
    expect(result.summary).toContain("The payment was not made: the reviewer rejected it");
  });

  it("proposes the payment again with the amount the reviewer asked for", async () => {
    const responded: ToolExchange = { ...proposedPayment, status: "responded", message: "Pay 3,000 instead" };
    const result = await model.act(paymentsRequest({ facts, history: [calculated, responded], callIdPrefix: "s2t2-" }));
    expect(result.kind).toBe("tool_calls");
    if (result.kind !== "tool_calls") return;
    expect(result.calls).toHaveLength(1);
    const call = result.calls[0];
    expect(call?.name).toBe("issue_payment");
    expect(call?.args).toEqual({ claimId: "CLM-1001", amount: 3000, payee: "Eleanor Whitfield" });
    expect(call?.id).not.toBe(proposedPayment.id);
  });

  it("looks up the letter templates before a customer email", async () => {
    const result = await model.act(paymentsRequest({ specialist: card("communications"), instruction: "Email the customer" }));
    expect(result.kind).toBe("search");
    if (result.kind !== "search") return;
    expect(result.query).toMatch(/template/);
  });
});

describe("OfflineModel.reformulate", () => {
  it("adds the policy term for everyday words from the glossary", async () => {
    const { query } = await model.reformulate({ query: "flooded kitchen", task: DEMO_TASK, glossary: pack.glossary });
    expect(query.startsWith("flooded kitchen")).toBe(true);
    expect(query.toLowerCase()).toContain("escape of water");
  });

  it("leaves a query alone when neither it nor the task uses a glossary word", async () => {
    const { query } = await model.reformulate({ query: "flooded kitchen", task: DEMO_TASK, glossary: [] });
    expect(query.toLowerCase()).not.toContain("escape of water");
  });
});

describe("OfflineModel.synthesize", () => {
  const coverage: StepReport = {
    specialist: "coverage_analyst",
    specialistName: "Coverage analyst",
    instruction: "Check the cover",
    summary:
      'get_policy_for_claim: product home, policy status active.\nhome-policy-wording.md § 4.2 Escape of water: "We cover sudden damage"',
    actions: [
      {
        id: "s1t0-get_policy_for_claim",
        name: "get_policy_for_claim",
        args: { claimId: "CLM-1001" },
        status: "done",
        result: { product: "home" },
      },
    ],
    citations: [{ source: "home-policy-wording.md § 4.2 Escape of water", excerpt: "We cover sudden damage" }],
  };
  const payment: StepReport = {
    specialist: "payments_officer",
    specialistName: "Payments officer",
    instruction: "Work out the payout, pay it",
    summary: "calculate_payout: amount £3,600.00, payee Eleanor Whitfield.",
    actions: [
      { id: "s2t0-calculate_payout", name: "calculate_payout", args: { claimId: "CLM-1001" }, status: "done", result: { amount: 3600 } },
      {
        id: "s2t1-issue_payment",
        name: "issue_payment",
        args: { claimId: "CLM-1001", amount: 3600, payee: "Eleanor Whitfield" },
        status: "rejected",
        message: "Wait for the loss adjuster",
      },
    ],
    citations: [],
  };

  it("reports each step in order, then what was not done", async () => {
    const { answer } = await model.synthesize({ task: DEMO_TASK, steps: [coverage, payment] });
    expect(answer).toContain(`Task: ${DEMO_TASK}`);
    const first = answer.indexOf("1. Coverage analyst (Check the cover)");
    const second = answer.indexOf("2. Payments officer (Work out the payout, pay it)");
    expect(first).toBeGreaterThan(-1);
    expect(second).toBeGreaterThan(first);
    expect(answer).toMatch(/Not done:\n- The payment was not made: the reviewer rejected it \(reviewer: "Wait for the loss adjuster"\)/);
    expect(answer.indexOf("Not done:")).toBeGreaterThan(second);
    expect(answer).toContain("[1] home-policy-wording.md § 4.2 Escape of water");
  });

  it("has no Not done section when every action went through", async () => {
    const paid: StepReport = { ...payment, actions: payment.actions.filter((a) => a.status === "done") };
    const { answer } = await model.synthesize({ task: DEMO_TASK, steps: [coverage, paid] });
    expect(answer).not.toContain("Not done");
  });

  it("gives the same answer for the same report, and streams exactly that answer", async () => {
    const tokens: string[] = [];
    const first = await model.synthesize({ task: DEMO_TASK, steps: [coverage, payment] }, { onToken: (t) => tokens.push(t) });
    const second = await model.synthesize({ task: DEMO_TASK, steps: [coverage, payment] });
    expect(second.answer).toBe(first.answer);
    expect(tokens.length).toBeGreaterThan(1);
    expect(tokens.join("")).toBe(first.answer);
  });
});
