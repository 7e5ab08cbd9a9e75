import { describe, expect, it } from "vitest";
import { plainFocus } from "../../agents/knowledge/index.ts";
import { requestClauses, requestedEffects, requestParts, toolFit, type FitTool, type ToolIntent } from "../../agents/tools/index.ts";

const tools: ToolIntent[] = [
  { name: "calculate_payout", description: "Work out the payout for a claim.", kind: "query" },
  { name: "issue_payment", description: "Pay a claim: issue the payment of an agreed amount to the payee.", kind: "effect" },
  { name: "send_email", description: "Send an email to the customer about their claim.", kind: "effect" },
  { name: "record_note", description: "Record a note against a reference.", kind: "effect" },
];
const asked = (request: string) => [...requestedEffects(request, tools)].sort();

describe("requestedEffects", () => {
  it("finds the effects an imperative asks for, in any clause", () => {
    expect(
      asked(
        "Customer on claim CLM-1001 reports that a burst pipe flooded the kitchen. Check the cover, work out the payout, pay it and email the customer.",
      ),
    ).toEqual(["issue_payment", "send_email"]);
    expect(asked("Pay claims CLM-1001 and CLM-1008.")).toEqual(["issue_payment"]);
    expect(asked("Please send the customer on CLM-1028 an update email.")).toEqual(["send_email"]);
    expect(asked("Can you pay CLM-1028 its settlement?")).toEqual(["issue_payment"]);
    expect(asked("Work out the payout on CLM-1026, pay it, then email the customer.")).toEqual(["issue_payment", "send_email"]);
    expect(asked("Look up REF-001 in the archive and record a note")).toEqual(["record_note"]);
  });

  it("finds none in a question, whatever words it uses", () => {
    expect(asked("What would we pay out on claim CLM-1043?")).toEqual([]);
    expect(asked("Should we pay CLM-1007?")).toEqual([]);
    expect(asked("Can you give me the email address for the customer on CLM-1010?")).toEqual([]);
    expect(asked("How much will the payment on CLM-1032 be, and is the email on file?")).toEqual([]);
  });
});

describe("requestClauses", () => {
  it("keeps amounts whole", () => {
    expect(requestClauses("Pay £50,000 on CLM-1008, then email the customer")).toEqual(["Pay £50,000 on CLM-1008", "email the customer"]);
  });
});

describe("effects named for what they act on", () => {
  const lot = { lot_id: {} };
  const qc: ToolIntent[] = [
    { name: "place_hold", description: "Place a lot on quality hold (quarantine).", kind: "effect", args: { ...lot, reason: {} } },
    { name: "release_lot", description: "Release a held lot back to production.", kind: "effect", args: { ...lot, hold_id: {} } },
    {
      name: "raise_scar",
      description: "Ask a supplier for an 8D: raise a supplier corrective action request.",
      kind: "effect",
      args: { supplier_id: {}, ...lot },
    },
  ];
  const task =
    "Lot LOT-24108 of ECU housings shows a rising AOI reject rate. Find the cause of the defects, check the process capability of the bore, place the lot on hold and ask the supplier for an 8D.";

  it("are asked for by their verb, never by the word of what they act on", () => {
    expect([...requestedEffects(task, qc)].sort()).toEqual(["place_hold", "raise_scar"]);
    expect([...requestedEffects("Release LOT-24105 from hold", qc)]).toEqual(["release_lot"]);
  });

  it("make a clause that opens with their verb a part of its own, not context for the next", () => {
    expect(requestParts(task, qc).map((p) => p.head)).toEqual([
      "Find the cause of the defects",
      "check the process capability of the bore",
      "place the lot on hold",
      "ask the supplier for an 8D",
    ]);
    // Without the pack's effects, "place" is not known as a verb of a request.
    expect(requestParts(task).map((p) => p.head)).toContain("ask the supplier for an 8D");
    expect(requestParts(task).map((p) => p.head)).not.toContain("place the lot on hold");
  });
});

describe("requestParts", () => {
  it("reads a clause that asks after a colon as a question of its own", () => {
    const task =
      "Family can't live in the house after a flood: how much do we pay towards somewhere else to stay, and does a flood claim get a loss adjuster?";
    expect(requestParts(task).map((p) => p.text)).toEqual([
      "Family can't live in the house after a flood: how much do we pay towards somewhere else to stay",
      "does a flood claim get a loss adjuster",
    ]);
  });
});

describe("toolFit", () => {
  // Each tool's description covers the questions whole; they differ only in the fields they return.
  const tool = (returns: string[]): FitTool => ({
    name: "look_up",
    description: "customer claimed open",
    kind: "query",
    args: {},
    returns,
  });

  it("halves a tool that returns no field of the kind of value asked for, and nothing else", () => {
    const amount = plainFocus("How much has the customer claimed?");
    expect(toolFit(tool(["claimed_amount", "customer_id"]), amount, [], [])).toBe(1);
    expect(toolFit(tool(["customer_id", "email"]), amount, [], [])).toBe(0.5);
    // A tool that does not say what it returns (an MCP tool without an output schema) cannot be told.
    expect(toolFit(tool([]), amount, [], [])).toBe(1);
    // A question that asks for no kind of value ("is it open?") halves nothing.
    expect(toolFit(tool(["customer_id", "email"]), plainFocus("Is the customer claim still open?"), [], [])).toBe(1);
  });
});
