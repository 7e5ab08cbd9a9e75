import { describe, expect, it } from "vitest";
import { tokenRelay, type ToolCard } from "../../agents/models/index.ts";
import { checkPlan, checkToolCalls } from "../../agents/models/openai/checks.ts";
import type { Reply, RawToolCall } from "../../agents/models/openai/stream.ts";

const text = (t: string): Reply => ({ text: t, toolCalls: [], finishReason: "stop" });
const calls = (...toolCalls: RawToolCall[]): Reply => ({ text: "", toolCalls, finishReason: "tool_calls" });

const payment: ToolCard = {
  name: "issue_payment",
  description: "Issues a payment.",
  kind: "effect",
  returns: [],
  args: {
    claimId: { type: "string", description: "claim", pattern: "CLM-\\d{4}", optional: false, hints: [] },
    amount: { type: "number", description: "amount", minimum: 0.01, optional: false, hints: [] },
  },
};

describe("checkPlan", () => {
  const ids = ["coverage_analyst", "payments_officer"];

  it("reads a plan of known specialists, also fenced in Markdown", () => {
    const plan = { steps: [{ specialist: "payments_officer", instruction: "Pay it." }] };
    expect(checkPlan(text(JSON.stringify(plan)), ids)).toEqual({ ok: true, value: plan.steps });
    expect(checkPlan(text(`\`\`\`json\n${JSON.stringify(plan)}\n\`\`\``), ids)).toEqual({ ok: true, value: plan.steps });
  });

  it("says why a plan is not valid, in words a model can act on", () => {
    expect(checkPlan(text('{"steps": [{"specialist": "underwriter", "instruction": "x"}]}'), ids)).toEqual({
      ok: false,
      error: 'steps.0.specialist: Invalid option: expected one of "coverage_analyst"|"payments_officer"',
    });
    expect(checkPlan(text('{"steps": []}'), ids)).toEqual({ ok: false, error: "steps: Too small: expected array to have >=1 items" });
    expect(checkPlan(text("First, the coverage analyst"), ids)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^the answer is not JSON/),
    });
  });
});

describe("checkToolCalls", () => {
  it("accepts calls of the specialist's tools with valid arguments, and an answer with none", () => {
    expect(checkToolCalls(calls({ id: "c1", name: "issue_payment", args: '{"claimId": "CLM-1001", "amount": 3600}' }), [payment])).toEqual({
      ok: true,
      value: [{ id: "c1", name: "issue_payment", args: { claimId: "CLM-1001", amount: 3600 } }],
    });
    expect(checkToolCalls(text("All done [1]."), [payment])).toEqual({ ok: true, value: [] });
  });

  it("refuses truncated JSON instead of reading what it can of it", () => {
    const checked = checkToolCalls(calls({ id: "c1", name: "issue_payment", args: '{"claimId": "CLM-1001", "amount": 36' }), [payment]);
    expect(checked).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^issue_payment: the arguments are not valid JSON .*: \{"claimId": "CLM-1001", "amount": 36$/),
    });
  });

  it("names every invalid call: unknown tools, arguments off the schema, arrays", () => {
    const checked = checkToolCalls(
      calls(
        { id: "c1", name: "refund_everyone", args: "{}" },
        { id: "c2", name: "issue_payment", args: '{"claimId": "CLM-1001", "amount": -5, "note": "x"}' },
        { id: "c3", name: "issue_payment", args: "[1]" },
      ),
      [payment],
    );
    expect(checked.ok).toBe(false);
    expect(!checked.ok && checked.error.split("; ")).toEqual([
      "refund_everyone: there is no such tool (the tools are issue_payment)",
      "issue_payment: amount: must be at least 0.01",
      "issue_payment: has no argument note",
      "issue_payment: the arguments are not a JSON object",
    ]);
  });
});

describe("tokenRelay", () => {
  it("passes each attempt's text on once: a retry that repeats the start adds only what is new", () => {
    const seen: string[] = [];
    const relay = tokenRelay((d) => seen.push(d));
    const first = relay.attempt()!;
    ["The ", "cover ", "app"].forEach(first);
    const second = relay.attempt()!;
    ["The cover ", "applies ", "[1]."].forEach(second);
    expect(seen.join("")).toBe("The cover applies [1].");
    expect(seen).toEqual(["The ", "cover ", "app", "lies ", "[1]."]);
  });

  it("stops live text for an attempt that writes something else", () => {
    const seen: string[] = [];
    const relay = tokenRelay((d) => seen.push(d));
    ["The cover ", "applies"].forEach(relay.attempt()!);
    ["A different ", "answer"].forEach(relay.attempt()!);
    expect(seen.join("")).toBe("The cover applies");
  });

  it("gives nothing to call without a listener", () => {
    expect(tokenRelay(undefined).attempt()).toBeUndefined();
  });
});
