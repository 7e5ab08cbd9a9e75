import fs from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { isGuildError } from "../../agents/errors/index.ts";
import { openSqliteBackend } from "../../agents/backend/index.ts";
import { BUILTIN_PACKS_DIR, loadPack, type Pack, type PackTool, type ToolApproval } from "../../agents/packs/index.ts";
import { gateOfEdit } from "../../graphs/policy.ts";
import { gateFor, type PolicyContext, validateDecision, type ApprovalRequest, type Decision } from "../../graphs/index.ts";

let pack: Pack;
let context: PolicyContext;

beforeAll(async () => {
  pack = await loadPack(join(BUILTIN_PACKS_DIR, "insurance-claims"));
  const dir = fs.mkdtempSync(join(os.tmpdir(), "guild-policy-"));
  context = { pack, backend: await openSqliteBackend(join(dir, "backend.sqlite"), pack.seed.sqlite ?? []) };
  return async () => {
    await context.backend.close();
    fs.rmSync(dir, { recursive: true, force: true });
  };
});

function tool(name: string): PackTool {
  const found = pack.tools.get(name);
  if (!found) throw new Error(`no tool ${name} in the pack`);
  return found;
}

/** Runs a validation that must fail, and returns its error for the assertions. */
function refusal(validate: () => unknown): Error {
  try {
    validate();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the decision to be refused, but it was accepted");
}

function expectInvalidInput(error: Error, field: string): void {
  expect(isGuildError(error), String(error)).toBe(true);
  if (!isGuildError(error)) return;
  expect(error.code).toBe("invalid_input");
  expect(error.details).toMatchObject({ field });
}

describe("gateFor", () => {
  const payment = { claimId: "CLM-1001", amount: 3600, payee: "Eleanor Whitfield" };
  const gate = (name: string, args: Record<string, unknown>, specialist = "payments_officer") =>
    gateFor(context, specialist, tool(name), args);

  it("lets every query tool run without a reviewer", async () => {
    const queries = [...pack.tools.values()].filter((t) => t.kind === "query");
    expect(queries.map((t) => t.name)).toContain("get_claim");
    for (const query of queries) {
      expect(await gateFor(context, "claims_investigator", query, { claimId: "CLM-1001", customerId: "CUS-0001" }), query.name).toEqual({
        requiresApproval: false,
        reasons: [],
      });
    }
  });

  it("asks a reviewer for a payment within the handler's limit, without flagging it", async () => {
    // Four eyes is the pack's rule for every payment; no role is required within the limit.
    const verdict = await gate("issue_payment", payment);
    expect(verdict).toMatchObject({ requiresApproval: true, reasons: [], fourEyes: true });
    expect(verdict.highRisk).toBeUndefined();
    expect(verdict.requiresRoles).toBeUndefined();
    // What the card shows beside the arguments, from the back-end as the call is proposed.
    expect(verdict.context?.map((c) => `${c.label}: ${c.value}`)).toEqual([
      "Claim status: open",
      "Settlement due: £3,600.00",
      "Paid so far: £0.00",
      "Sum insured: £350,000.00",
      "Customer flagged for review: no",
    ]);
  });

  it("does not flag a payment of exactly the limit", async () => {
    expect((await gate("issue_payment", { ...payment, amount: 5000 })).highRisk).toBeUndefined();
  });

  it("flags a payment above £5,000 as high risk, citing the limit and its document", async () => {
    const verdict = await gate("issue_payment", { ...payment, amount: 6000 });
    expect(verdict.requiresApproval).toBe(true);
    expect(verdict.highRisk).toContain("£6,000.00 is above £5,000.00");
    expect(verdict.highRisk).toContain("payment-authority-limits.md");
  });

  it("judges an amount given as text by its value", async () => {
    expect((await gate("issue_payment", { ...payment, amount: "6000" })).highRisk).toContain("above £5,000.00");
  });

  it("always asks a reviewer before an email is sent", async () => {
    expect((await gate("send_email", {}, "communications")).requiresApproval).toBe(true);
    expect(
      (await gate("send_email", { claimId: "CLM-1001", to: "eleanor@example.com", subject: "Hi", body: "Hello" }, "communications"))
        .requiresApproval,
    ).toBe(true);
  });

  it("flags a payment to a customer the back-end has flagged, by looking it up", async () => {
    const flagged = (await context.backend.query(
      {
        sqlite:
          "SELECT c.id FROM claims c JOIN policies p ON p.id = c.policy_id JOIN customers cu ON cu.id = p.customer_id WHERE cu.flagged = 1 LIMIT 1",
      },
      {},
      "row",
    )) as { id: string };
    const verdict = await gate("issue_payment", { ...payment, claimId: flagged.id });
    expect(verdict.requiresApproval).toBe(true);
    expect(verdict.highRisk).toMatch(/flagged/);
    expect((await gate("issue_payment", payment)).highRisk).toBeUndefined();
  });
});

describe("gateFor with conditions", () => {
  const payment = { claimId: "CLM-1001", amount: 3600, payee: "Eleanor Whitfield" };
  const withPolicy = (approval: ToolApproval): PackTool => ({ ...tool("issue_payment"), approval });
  const above = (value: number) => ({ arg: "amount", op: ">" as const, value, reason: `more than ${value}`, highRisk: false });

  it("asks only when a condition on the arguments holds", async () => {
    const policy = withPolicy({ when: [above(5000)], otherwise: "never" });
    expect(await gateFor(context, "payments_officer", policy, payment)).toEqual({ requiresApproval: false, reasons: [] });
    expect(await gateFor(context, "payments_officer", policy, { ...payment, amount: 5000.01 })).toMatchObject({
      requiresApproval: true,
      reasons: ["more than 5000"],
    });
  });

  it("reads the back-end for a lookup condition, and asks when the lookup finds nothing", async () => {
    const flaggedOnly = withPolicy({
      when: [
        {
          lookup: { tool: "check_fraud_indicators", field: "customer_flagged" },
          op: "==",
          value: true,
          reason: "flagged customer",
          highRisk: true,
        },
      ],
      otherwise: "never",
    });
    expect((await gateFor(context, "payments_officer", flaggedOnly, payment)).requiresApproval).toBe(false);
    // The pack's rules refuse a payment on a claim that does not exist before any condition is read.
    expect(await gateFor(context, "payments_officer", flaggedOnly, { ...payment, claimId: "CLM-9999" })).toEqual({
      requiresApproval: false,
      reasons: [],
      refused: ["there is no claim CLM-9999"],
    });
    const { preconditions: _rules, ...withoutRules } = flaggedOnly;
    const unknownClaim = await gateFor(context, "payments_officer", withoutRules, { ...payment, claimId: "CLM-9999" });
    expect(unknownClaim.requiresApproval).toBe(true);
    expect(unknownClaim.reasons[0]).toContain("found nothing");
  });

  it("asks for every call of a specialist whose policy says always, queries too", async () => {
    const strict: Pack = {
      ...pack,
      specialists: pack.specialists.map((s) => (s.id === "claims_investigator" ? { ...s, approval: "always" as const } : s)),
    };
    const verdict = await gateFor({ pack: strict, backend: context.backend }, "claims_investigator", tool("get_claim"), {
      claimId: "CLM-1001",
    });
    expect(verdict.requiresApproval).toBe(true);
    expect(verdict.reasons[0]).toContain("every call by Claims investigator");
    expect(
      (await gateFor({ pack: strict, backend: context.backend }, "coverage_analyst", tool("get_claim"), { claimId: "CLM-1001" }))
        .requiresApproval,
    ).toBe(false);
  });

  it("compares numbers as numbers and text as text", async () => {
    const policy = withPolicy({
      when: [{ arg: "payee", op: "!=", value: "Eleanor Whitfield", reason: "another payee", highRisk: true }],
      otherwise: "never",
    });
    expect((await gateFor(context, "payments_officer", policy, payment)).requiresApproval).toBe(false);
    expect(await gateFor(context, "payments_officer", policy, { ...payment, payee: "A. Attacker" })).toMatchObject({
      requiresApproval: true,
      highRisk: "another payee",
    });
    const missing = withPolicy({ when: [above(10)], otherwise: "never" });
    expect((await gateFor(context, "payments_officer", missing, { ...payment, amount: "lots" })).requiresApproval).toBe(false);
  });
});

describe("validateDecision for a tool call", () => {
  const args = { claimId: "CLM-1001", amount: 3600, payee: "Eleanor Whitfield" };

  function paymentApproval(config: Partial<ApprovalRequest["config"]> = {}): ApprovalRequest {
    return {
      action_request: { action: "issue_payment", args },
      config: { allow_accept: true, allow_edit: true, allow_respond: true, allow_ignore: true, ...config },
      description: "Payments officer wants to issue_payment (Pay a claim) with claimId: CLM-1001, amount: £3,600.00.",
      guild: {
        approvalId: "apr_test_payment",
        kind: "tool_call",
        allowRedirect: true,
        specialist: "payments_officer",
        callId: "s2t1-issue_payment",
      },
    };
  }

  it("accepts an approval as it is", async () => {
    const decision: Decision = { type: "approve", reviewer: "sam" };
    expect(validateDecision(pack, paymentApproval(), decision)).toEqual(decision);
  });

  it("refuses edited arguments of the wrong type, naming the argument", async () => {
    const error = refusal(() => validateDecision(pack, paymentApproval(), { type: "edit", args: { ...args, amount: "3000" } }));
    expectInvalidInput(error, "args.amount");
    expect(error.message).toContain("issue_payment");
  });

  it("refuses edited arguments the tool does not take", async () => {
    const error = refusal(() => validateDecision(pack, paymentApproval(), { type: "edit", args: { ...args, iban: "GB00" } }));
    expect(isGuildError(error) && error.code).toBe("invalid_input");
    expect(error.message).toContain("iban");
  });

  it("returns valid edited arguments, parsed", async () => {
    const decided = validateDecision(pack, paymentApproval(), { type: "edit", args: { ...args, amount: 3000 } });
    expect(decided).toEqual({ type: "edit", args: { claimId: "CLM-1001", amount: 3000, payee: "Eleanor Whitfield" } });
  });

  it("refuses a decision type the approval does not offer, naming those it does", async () => {
    const error = refusal(() =>
      validateDecision(pack, paymentApproval({ allow_respond: false }), { type: "respond", message: "Pay 3,000 instead" }),
    );
    expectInvalidInput(error, "type");
    expect(error.message).toContain("does not allow 'respond'");
    expect(error.message).toContain("it allows approve, edit, reject, redirect");
  });

  it("refuses a redirect to a specialist the pack does not have", async () => {
    const error = refusal(() => validateDecision(pack, paymentApproval(), { type: "redirect", specialist: "underwriter" }));
    expectInvalidInput(error, "specialist");
    expect(error.message).toContain("underwriter");
  });

  it("refuses a redirect back to the specialist proposing the call", async () => {
    const error = refusal(() => validateDecision(pack, paymentApproval(), { type: "redirect", specialist: "payments_officer" }));
    expectInvalidInput(error, "specialist");
  });

  it("accepts a redirect to another specialist", async () => {
    const decision: Decision = { type: "redirect", specialist: "claims_investigator", message: "Check for fraud first" };
    expect(validateDecision(pack, paymentApproval(), decision)).toEqual(decision);
  });
});

describe("validateDecision for a plan", () => {
  const steps = [
    { specialist: "coverage_analyst", instruction: "Check the cover" },
    { specialist: "payments_officer", instruction: "Work out the payout, pay it" },
    { specialist: "communications", instruction: "Email the customer" },
  ];
  const planApproval: ApprovalRequest = {
    action_request: { action: "plan", args: { steps } },
    config: { allow_accept: true, allow_edit: true, allow_respond: true, allow_ignore: true },
    description: "The supervisor proposes 3 steps",
    guild: { approvalId: "apr_test_plan", kind: "plan", allowRedirect: false },
  };

  it("refuses a step for a specialist the pack does not have, naming the step", async () => {
    const edited = [steps[0], { specialist: "underwriter", instruction: "Price the renewal" }];
    const error = refusal(() => validateDecision(pack, planApproval, { type: "edit", args: { steps: edited } }));
    expectInvalidInput(error, "args.steps.1.specialist");
    expect(error.message).toContain("underwriter");
  });

  it("refuses an empty plan", async () => {
    const error = refusal(() => validateDecision(pack, planApproval, { type: "edit", args: { steps: [] } }));
    expectInvalidInput(error, "args.steps");
    expect(error.message).toContain("at least one step");
  });

  it("accepts the same steps in another order", async () => {
    const reordered = [steps[1], steps[0], steps[2]];
    expect(validateDecision(pack, planApproval, { type: "edit", args: { steps: reordered } })).toEqual({
      type: "edit",
      args: { steps: reordered },
    });
  });

  it("does not offer a redirect", async () => {
    const error = refusal(() => validateDecision(pack, planApproval, { type: "redirect", specialist: "communications" }));
    expectInvalidInput(error, "type");
  });
});

describe("gateOfEdit", () => {
  const payment = { claimId: "CLM-1001", amount: 3600, payee: "Eleanor Whitfield" };
  const verdict = (args: Record<string, unknown>) => gateFor(context, "payments_officer", tool("issue_payment"), args);

  it("lets an edit that raises nothing go ahead", async () => {
    expect(gateOfEdit(await verdict(payment), await verdict({ ...payment, amount: 3000 }))).toBeUndefined();
  });

  it("asks again when an edit takes a payment past the authority limit", async () => {
    expect(gateOfEdit(await verdict(payment), await verdict({ ...payment, amount: 6000 }))?.highRisk).toContain("above £5,000.00");
  });

  it("asks again when an edit takes a flagged customer's payment past the authority limit", async () => {
    // CLM-1039's customer is flagged: the proposed £2,000 is already high risk, for that reason only.
    const flagged = { claimId: "CLM-1039", amount: 2000, payee: "someone" };
    expect((await verdict(flagged)).highRisk).toMatch(/flagged/);
    const again = gateOfEdit(await verdict(flagged), await verdict({ ...flagged, amount: 50_000 }));
    expect(again?.requiresApproval).toBe(true);
    expect(again?.highRisk).toContain("above £5,000.00");
  });

  it("does not ask again for an edit that stays past the limit, as proposed", async () => {
    expect(gateOfEdit(await verdict({ ...payment, amount: 6000 }), await verdict({ ...payment, amount: 5500 }))).toBeUndefined();
  });
});
