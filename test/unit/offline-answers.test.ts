import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { plainFocus, type Passage } from "../../agents/knowledge/index.ts";
import { OfflineModel, specialistCard, type ActRequest, type SpecialistCard } from "../../agents/models/index.ts";
import { amountFromFeedback } from "../../agents/models/offline/feedback.ts";
import { bestQuotes, quotesByPart } from "../../agents/models/offline/quotes.ts";
import { describeRecord } from "../../agents/models/offline/records.ts";
import { BUILTIN_PACKS_DIR, loadPack, type Pack } from "../../agents/packs/index.ts";
import { planEvidence } from "../../graphs/evidence.ts";

const model = new OfflineModel();
let pack: Pack;
let cards: SpecialistCard[];

beforeAll(async () => {
  pack = await loadPack(join(BUILTIN_PACKS_DIR, "insurance-claims"));
  cards = pack.specialists.map(specialistCard);
});

const passage = (id: string, section: string, text: string): Passage => ({
  id,
  source: `home-policy-wording.md § ${section}`,
  title: "Home policy",
  section,
  text,
  excerpt: text,
  score: 1,
  matchedTerms: [],
});

describe("describeRecord", () => {
  const payout = {
    claim_id: "CLM-1043",
    claimed_amount: 12500,
    sum_insured: 9800,
    excess: 500,
    amount: 9300,
    payee: "Lee Hodgson",
    customer_id: "CUS-0012",
  };

  it("shows a settlement's arithmetic and the fields a question asks about", () => {
    const text = describeRecord(payout, plainFocus("What would we pay out?"));
    expect(text).toContain("payout £9,300.00 = the sum insured £9,800.00 (less than the £12,500.00 claimed) minus the excess £500.00");
  });

  it("says a flag as yes or no, and money in pounds", () => {
    const fraud = { claim_id: "CLM-1017", customer_flagged: 1, claimed_over_sum_insured: 0, claims_last_12_months: 1 };
    const text = describeRecord(fraud, plainFocus("Is the customer flagged, and is the claim over the sum insured?"));
    expect(text).toContain("customer flagged yes, claimed over sum insured no");
    expect(text).not.toContain("£");
  });

  it("shows each row of a list with the fields asked about", () => {
    const rows = [
      { claim_id: "CLM-1043", claim_status: "open", total_paid: 0 },
      { claim_id: "CLM-1012", claim_status: "settled", total_paid: 1370 },
    ];
    expect(describeRecord(rows, plainFocus("what has been paid on each one?"))).toBe(
      "2 records: claim id CLM-1043, total paid £0.00; claim id CLM-1012, total paid £1,370.00",
    );
  });

  it("shows a person's name when asked who", () => {
    const policy = { policy_id: "HOM-5006", sum_insured: 610000, customer_name: "Helen Marsh" };
    expect(describeRecord(policy, plainFocus("Who's the policyholder, and what's the sum insured?"))).toBe(
      "policy id HOM-5006, sum insured £610,000.00, customer name Helen Marsh",
    );
  });
});

describe("amountFromFeedback", () => {
  it("takes the amount a reviewer says to pay, not the first number", () => {
    expect(amountFromFeedback("Please deduct a further 600 for the already repaired pipe; pay 3000", 3600)).toBe(3000);
    expect(amountFromFeedback("Pay 3,000 instead", 3600)).toBe(3000);
    expect(amountFromFeedback("make it £2,750.50", 3600)).toBe(2750.5);
  });

  it("takes a deduction off the amount proposed, and keeps a large amount whole", () => {
    expect(amountFromFeedback("deduct 600 for the pipe", 3600)).toBe(3000);
    expect(amountFromFeedback("this is above authority, pay £50,000 only after sign-off", 60000)).toBe(50000);
    expect(amountFromFeedback("looks wrong", 3600)).toBeUndefined();
  });
});

describe("bestQuotes", () => {
  const storm = passage(
    "storm",
    "4.3 Storm",
    "Damage caused by a storm: winds of at least 55 mph, torrential rain or hail. Not covered: damage to gates, fences and hedges; gradual wearing away of roofs.",
  );
  const worked = passage(
    "worked",
    "2.3 Claim above the sum insured",
    "A stolen car is valued by the customer at £12,500; the declared value is £9,800; excess £500. Lesser of £12,500 and £9,800 = £9,800. Minus £500 = £9,300.00.",
  );

  it("quotes the best sentence with the section's lead, and the short conclusion after it", () => {
    const [quote] = bestQuotes([storm], plainFocus("are roofs covered in a storm"));
    expect(quote!.text.startsWith("Damage caused by a storm: winds of at least 55 mph")).toBe(true);
    const [example] = bestQuotes([worked], plainFocus("customer claims £12,500 for a car with a declared value of £9,800"));
    expect(example!.text).toContain("Minus £500 = £9,300.00.");
  });
});

describe("quotesByPart", () => {
  const examples = passage(
    "examples",
    "6 Worked examples",
    "6.1 A claim reported 46 days after the incident, by a flagged customer, sets off indicators 3 and 4.",
  );
  const late = passage("late", "2.3 Late reporting", "Triggered when: more than 30 days.");
  const question =
    "A claim was reported 45 days after the incident. Which indicators does it set off, and when is late reporting triggered?";

  it("quotes, beside the best passage for the whole, the best one for a part it does not answer", () => {
    expect(bestQuotes([examples, late], plainFocus(question)).map((q) => q.passage.id)).toEqual(["examples"]);
    expect(quotesByPart([examples, late], plainFocus(question), question).map((q) => q.passage.id)).toEqual(["examples", "late"]);
  });

  it("quotes as before a request of one part", () => {
    const single = "Which indicators does a claim reported 45 days after the incident set off?";
    expect(quotesByPart([examples, late], plainFocus(single), single)).toEqual(bestQuotes([examples, late], plainFocus(single)));
  });
});

describe("OfflineModel.act", () => {
  const request = (overrides: Partial<ActRequest>): ActRequest => ({
    task: "",
    specialist: cards.find((c) => c.id === "coverage_analyst")!,
    instruction: "",
    passages: [],
    facts: {},
    history: [],
    lessons: [],
    searches: [],
    callIdPrefix: "s1.t1.",
    ...overrides,
  });

  it("looks up only the tools that fit a question", async () => {
    const question = "whats the excess on the policy for CLM-1021";
    const result = await model.act(request({ task: question, instruction: question }));
    expect(result).toEqual({
      kind: "tool_calls",
      calls: [{ id: "s1.t1.get_policy_for_claim", name: "get_policy_for_claim", args: { claimId: "CLM-1021" } }],
    });
  });

  it("declines when its evidence is weak and no record answers, saying what it searched", async () => {
    const question = "Does Harbour Mutual sell pet insurance?";
    const evidence = {
      focus: plainFocus(question),
      strength: 0.3,
      weak: true,
      missing: ["sell", "pet"],
      searched: ["home-policy-wording.md"],
      fallback: false,
      references: [],
    };
    const result = await model.act(
      request({
        task: question,
        instruction: question,
        evidence,
        passages: [passage("p", "4.7 Alternative accommodation", "We pay for you and your pets.")],
      }),
    );
    expect(result).toEqual({
      kind: "done",
      summary: 'The documents and back-end do not answer this: searched home-policy-wording.md for "sell", "pet".',
      citedPassageIds: [],
    });
  });
});

describe("OfflineModel.plan, by evidence", () => {
  const plan = async (task: string) =>
    (await model.plan({ task, specialists: cards, lessons: [], evidence: await planEvidence(pack, task) })).steps.map((s) => s.specialist);

  it("gives a question to the specialist whose documents answer it, and each part of a question to its own", async () => {
    expect(await plan("What wind speed counts as a storm under the home wording?")).toEqual(["coverage_analyst"]);
    expect(await plan("How many claims in 12 months set off the multiple claims fraud indicator?")).toEqual(["claims_investigator"]);
    expect(await plan("What's the standard excess on a motor policy, and who has to approve a payout of £8,920?")).toEqual([
      "coverage_analyst",
      "payments_officer",
    ]);
  });

  it("gives a question about a named record to the specialist whose tool is named for what it asks", async () => {
    expect(await plan("Is the policy for CLM-1016 still active?")).toEqual(["coverage_analyst"]);
  });

  it("asks a colleague too when the specialist's look-ups do not return the kind of value asked for", async () => {
    // The investigator's claim record has the date reported, the coverage analyst's policy record the customer's name.
    expect(await plan("Who is the customer on CLM-1035 and on what date did they report it?")).toEqual([
      "claims_investigator",
      "coverage_analyst",
    ]);
    // Its own look-up has the amount: nobody else is asked.
    expect(await plan("How much was claimed on CLM-1005?")).toEqual(["coverage_analyst"]);
  });

  it("gives an order to the specialist whose tool does it", async () => {
    expect(await plan("Pay the settlement on claim CLM-1028.")).toEqual(["payments_officer"]);
    expect(
      await plan(
        "Customer on claim CLM-1001 reports that a burst pipe flooded the kitchen. Check the cover, work out the payout, pay it and email the customer.",
      ),
    ).toEqual(["coverage_analyst", "payments_officer", "communications"]);
  });
});

describe("OfflineModel.plan, with the look-ups an action needs", () => {
  it("adds a step for the specialist who can look up what an action needs, before the action", async () => {
    const qc = await loadPack(join(BUILTIN_PACKS_DIR, "manufacturing-qc"));
    const qcCards = qc.specialists.map(specialistCard);
    const plan = async (task: string) =>
      (await model.plan({ task, specialists: qcCards, lessons: [], evidence: await planEvidence(qc, task) })).steps;
    // A hold's reason is the inspection's defect summary, which only the inspection analyst can look up.
    expect(await plan("Place lot LOT-24108 on hold and ask the supplier for an 8D.")).toEqual([
      { specialist: "inspection_analyst", instruction: "Look up lot defect summary for place hold" },
      { specialist: "quality_manager", instruction: "Place lot LOT-24108 on hold" },
      { specialist: "supplier_quality", instruction: "Ask the supplier for an 8D" },
    ]);
    // When the inspection analyst has a step before the hold already, nothing is added.
    expect((await plan("Find the cause of the defects on LOT-24108 and place the lot on hold.")).map((s) => s.specialist)).toEqual([
      "inspection_analyst",
      "quality_manager",
    ]);
  });
});
