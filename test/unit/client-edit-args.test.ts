import { describe, expect, it } from "vitest";
import { argFields, argOfField, checkPlan, draftOf, parseDraft } from "../../client/src/lib/edit-args.ts";

const proposed = { claimId: "CLM-1001", amount: 3600, notify: true, note: "", meta: { channel: "email" } };

describe("editing an approval's arguments in the web client", () => {
  it("keeps each argument's type: a number stays a number, a flag a flag, JSON its shape", () => {
    const fields = argFields(proposed);
    expect(fields.map((f) => [f.name, f.kind])).toEqual([
      ["claimId", "string"],
      ["amount", "number"],
      ["notify", "boolean"],
      ["note", "string"],
      ["meta", "json"],
    ]);
    const draft = { ...draftOf(proposed), amount: " 3000 ", notify: false, meta: '{"channel": "post"}' };
    expect(parseDraft(fields, draft)).toEqual({
      args: { claimId: "CLM-1001", amount: 3000, notify: false, note: "", meta: { channel: "post" } },
      errors: {},
    });
    expect(parseDraft(fields, draftOf(proposed)).args).toEqual(proposed);
  });

  it("refuses a draft with a field that is not its type or was emptied, naming the field", () => {
    const fields = argFields(proposed);
    const bad = parseDraft(fields, { ...draftOf(proposed), amount: "3,000 pounds", claimId: "  ", meta: "{oops" });
    expect(bad.args).toBeUndefined();
    expect(bad.errors).toEqual({ amount: "amount must be a number", claimId: "claimId is required", meta: "meta must be valid JSON" });
    // A field proposed empty may stay empty.
    expect(parseDraft(fields, draftOf(proposed)).errors).toEqual({});
  });

  it("maps the server's field to the argument, and checks an edited plan as the server does", () => {
    expect(argOfField("args.amount")).toBe("amount");
    expect(argOfField("type")).toBeUndefined();
    const known = new Set(["coverage_analyst", "payments_officer"]);
    expect(checkPlan([], known)).toEqual({ steps: "A plan needs at least one step." });
    expect(
      checkPlan(
        [
          { key: "a", specialist: "payments_officer", instruction: "Pay it" },
          { key: "b", specialist: "nobody", instruction: "  " },
        ],
        known,
      ),
    ).toEqual({ "steps.1.specialist": "Step 2: choose a specialist.", "steps.1.instruction": "Step 2: the instruction is required." });
  });
});
