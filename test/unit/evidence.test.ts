import { describe, expect, it } from "vitest";
import {
  answerType,
  answerTypes,
  assessEvidence,
  contentTerms,
  focusOf,
  fuseByRank,
  holdsAnswer,
  parseGlossary,
  recordReferences,
  sentenceEvidence,
  termStats,
  type Passage,
} from "../../agents/knowledge/index.ts";
import { requestParts } from "../../agents/tools/index.ts";

const passage = (id: string, text: string, section = ""): Passage => ({
  id,
  source: section ? `doc.md § ${section}` : "doc.md",
  title: "Home policy",
  section,
  text,
  excerpt: text,
  score: 1,
  matchedTerms: [],
});

const CHUNKS = [
  { title: "Home policy", section: "3.1 Standard excess", text: "You pay the first £250 of every claim.", aliases: "" },
  {
    title: "Home policy",
    section: "4.3 Storm",
    text: "Damage caused by a storm: winds of at least 55 mph. Not covered: damage to fences.",
    aliases: "",
  },
  { title: "Home policy", section: "4.7 Alternative accommodation", text: "We pay for accommodation for you and your pets.", aliases: "" },
  {
    title: "Glossary",
    section: "Excess",
    text: "The first part of each claim that the customer pays.",
    aliases: "deductible, the bit i pay",
  },
];
const stats = termStats(CHUNKS);
const glossary = parseGlossary(
  "## Storm\nAlso: gale, high winds\nWinds of 55 mph.\n\n## Excess\nAlso: deductible, the bit i pay, most you will pay\nWhat you pay.\n",
);

describe("termStats", () => {
  it("weighs rare terms most and corrects a misspelt word to a known one", () => {
    expect(stats.weight("accommodation")).toBeGreaterThan(stats.weight("pay"));
    expect(stats.correct("exess")).toBe("excess");
    expect(stats.correct("accomodation")).toBe("accommodation");
    expect(stats.correct("strom")).toBe("storm"); // two letters swapped
    expect(stats.correct("coverd")).toBe("cover"); // a past tense with its "e" dropped
  });

  it("leaves short words, known words and words that only change an ending alone", () => {
    expect(stats.correct("pet")).toBeUndefined();
    expect(stats.correct("excess")).toBeUndefined();
    expect(stats.correct("storms")).toBeUndefined();
    expect(stats.correct("earthquake")).toBeUndefined();
  });
});

describe("focusOf", () => {
  it("keeps content words, without identifiers or filler", () => {
    expect([...contentTerms("hi, so what's the excess on CLM-1001 now?").values()]).toEqual(["excess"]);
  });

  it("leaves out a figure or a fragment of the story that no document has", () => {
    const focus = focusOf("my bike was stolen outside the co-op, i was only in there 2 mins", { stats, glossary });
    expect(focus.terms.map((t) => t.word)).not.toContain("co");
    expect(focus.terms.map((t) => t.word)).not.toContain("op");
    expect(focus.terms.map((t) => t.word)).not.toContain("2");
    expect(focus.terms.map((t) => t.word)).toContain("stolen");
  });

  it("lets a glossary phrase stand for its entry, but not one made of small words around one", () => {
    const gale = focusOf("the fence blew down in a gale", { stats, glossary }).terms.find((t) => t.word === "gale")!;
    expect(gale.covers).toContainEqual(["storm"]);
    const pay = focusOf("what do I pay", { stats, glossary }).terms.find((t) => t.word === "pay")!;
    expect(pay.covers).toEqual([["pay"]]);
  });

  it("lets the hyphenated word of a glossary phrase stand for its entry, written apart and around other words", () => {
    const authority = parseGlossary("## Authority limit\nAlso: approval limit, sign-off limit\nWho may authorise a payment.\n");
    const signs = focusOf("who signs the payment off", { stats, glossary: authority }).terms.find((t) => t.word === "signs")!;
    expect(signs.covers).toContainEqual(["authority", "limit"]);
  });

  it("weighs a word no document has at half the question's typical weight", () => {
    const terms = focusOf("storm damage to my gazebo", { stats, glossary }).terms;
    const gazebo = terms.find((t) => t.word === "gazebo")!;
    expect(gazebo.weight).toBeLessThan(terms.find((t) => t.word === "storm")!.weight);
  });
});

describe("assessEvidence", () => {
  it("is strong when one sentence covers the question and holds the value asked for", () => {
    const focus = focusOf("What wind speed counts as a storm?", { stats, glossary });
    const evidence = assessEvidence(focus, [passage("a", CHUNKS[1]!.text, "4.3 Storm")]);
    expect(evidence.weak).toBe(false);
  });

  it("is weak when the passages are about something else", () => {
    const focus = focusOf("Does Harbour Mutual sell pet insurance for dogs?", { stats, glossary });
    const evidence = assessEvidence(focus, [passage("a", CHUNKS[2]!.text, "4.7 Alternative accommodation")]);
    expect(evidence.weak).toBe(true);
    expect(evidence.missing).toContain("dogs");
  });

  it("judges a question told as a long story on the share of it one sentence could answer", () => {
    const storm = [passage("s", CHUNKS[1]!.text, "4.3 Storm")];
    const asked = "Are fences covered after a storm?";
    const told =
      "We had a right old gale on Sunday night, howling for hours, half the fence panels down the side of the garden flat on the lawn, the neighbour's trampoline upside down: are fences covered after a storm?";
    const short = assessEvidence(focusOf(asked, { stats, glossary }), storm);
    const long = assessEvidence(focusOf(told, { stats, glossary }), storm);
    expect(short.weak).toBe(false);
    // The same sentence covers less of the story, but all one sentence could: the answer is there.
    expect(long.strength).toBeLessThan(0.5);
    expect(long.weak).toBe(false);
    // A short question about something else stays weak.
    expect(assessEvidence(focusOf("Is accommodation for pets covered?", { stats, glossary }), storm).weak).toBe(true);
  });

  it("reads a rule with its short conclusion, and a long next sentence on its own", () => {
    const focus = focusOf("Is a stolen bicycle covered if it was left unattended?", { stats, glossary });
    const rule = "5.6.3 A bicycle left unattended must be locked to a fixed object with a suitable lock.";
    const [withConclusion] = sentenceEvidence(focus, passage("b", `${rule} We will not pay for a bicycle stolen while unlocked.`));
    expect(withConclusion!.missing).not.toContain("stolen");
    const [alone] = sentenceEvidence(
      focus,
      passage("c", `${rule} Bicycles are stolen most often from gardens, sheds and the streets outside the home.`),
    );
    expect(alone!.missing).toContain("stolen");
    // A short sentence that introduces a list is not a conclusion of the one before it.
    const [introduced] = sentenceEvidence(focus, passage("d", `${rule} Not covered when stolen:`));
    expect(introduced!.missing).toContain("stolen");
  });

  it("discounts a sentence that lacks the kind of value asked for", () => {
    const focus = focusOf("How much is the standard excess?", { stats, glossary });
    const withAmount = assessEvidence(focus, [passage("a", "The standard excess is £250.", "3.1 Standard excess")]);
    const without = assessEvidence(focus, [passage("b", "The standard excess is shown in the schedule.", "3.1 Standard excess")]);
    expect(withAmount.strength).toBeGreaterThan(without.strength);
  });
});

describe("answerType", () => {
  it("reads the kind of value a question asks for", () => {
    expect(answerType("How much can a handler authorise?")).toBe("amount");
    expect(answerType("What's the single article limit?")).toBe("amount");
    expect(answerType("How long do we have to tell the insurer?")).toBe("duration");
    expect(answerType("How many claims trigger the indicator?")).toBe("number");
    expect(answerType("What's the name of the loss adjuster?")).toBe("name");
    expect(answerType("Is a burst pipe covered?")).toBe("any");
    expect(answerTypes("Who's the policyholder and what's the sum insured?")).toEqual(["amount", "name"]);
  });

  it("checks a sentence holds it, a figure or the rule that gives one", () => {
    expect(holdsAnswer("Claims handlers may authorise up to £5,000.", "amount")).toBe(true);
    expect(holdsAnswer("We pay the lesser of the loss and the sum insured.", "amount")).toBe(true);
    expect(holdsAnswer("Tell us within 30 days.", "duration")).toBe(true);
    expect(holdsAnswer("Tell us as soon as possible.", "duration")).toBe(false);
  });

  it("takes a name the question says itself for no answer to who", () => {
    const asked = new Set(["head", "claims", "harbour", "mutual"]);
    expect(holdsAnswer("The policy is owned by the Head of Claims at Harbour Mutual.", "name", asked)).toBe(false);
    expect(holdsAnswer("Helen Marsh is the Head of Claims at Harbour Mutual.", "name", asked)).toBe(true);
    expect(holdsAnswer("The policy is owned by Harbour Mutual.", "name")).toBe(true);
  });

  it("takes a count for a number, not money or a share", () => {
    expect(holdsAnswer("Triggered when: 3 or more.", "number")).toBe(true);
    expect(holdsAnswer("PAY- followed by six digits.", "number")).toBe(true);
    expect(holdsAnswer("Claims above £10,000 for home are assigned a loss adjuster.", "number")).toBe(false);
    expect(holdsAnswer("We pay up to 20% of the sum insured.", "number")).toBe(false);
  });
});

describe("recordReferences", () => {
  it("finds identifiers and names no document has", () => {
    expect(recordReferences("What did we pay Rajesh Patel on CLM-1002?", stats)).toEqual(["CLM-1002", "Rajesh Patel"]);
    expect(recordReferences("What does the Home policy say?", stats)).toEqual([]);
    // A sentence's first word is capitalised, not a name.
    expect(recordReferences("My daughter lives in halls. We've got contents cover, does it reach her laptop?", stats)).toEqual([]);
  });
});

describe("fuseByRank", () => {
  const a = passage("a", "a");
  const b = passage("b", "b");
  const c = passage("c", "c");

  it("raises what both lists found and keeps each list's best near the top", () => {
    expect(
      fuseByRank(
        [
          [a, b],
          [c, b],
        ],
        3,
      ).map((p) => p.id),
    ).toEqual(["b", "a", "c"]);
  });

  it("lets a trusted list keep its best above a weak list's", () => {
    expect(
      fuseByRank(
        [
          [a, b],
          [c, a],
        ],
        1,
        { weights: [0.1, 1] },
      ).map((p) => p.id),
    ).toEqual(["a"]);
    expect(fuseByRank([[a], [c]], 2, { weights: [0.1, 1] }).map((p) => p.id)).toEqual(["c", "a"]);
  });
});

describe("requestParts", () => {
  it("gives a telling clause to the next clause that asks or orders", () => {
    expect(requestParts("Customer claims £12,500 for a car. What's the payout, and is it a fraud indicator?").map((p) => p.text)).toEqual([
      "Customer claims £12,500 for a car. What's the payout",
      "is it a fraud indicator",
    ]);
    expect(requestParts("Customer on CLM-1001 reports a burst pipe. Check the cover, pay it and email the customer.")).toEqual([
      { text: "Customer on CLM-1001 reports a burst pipe. Check the cover", head: "Check the cover" },
      { text: "pay it", head: "pay it" },
      { text: "email the customer", head: "email the customer" },
    ]);
  });

  it("keeps a question whole when its tail only tells", () => {
    expect(requestParts("does the excess apply twice if a leak wrecked the ceiling and the sofa?").map((p) => p.text)).toEqual([
      "does the excess apply twice if a leak wrecked the ceiling and the sofa",
    ]);
  });
});
