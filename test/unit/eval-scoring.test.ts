import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../support/temp.ts";
import type { Run, RunEvent, RunEventType } from "../../server/contract/index.ts";
import {
  declines,
  factFound,
  jsonReport,
  rankedDocuments,
  readEvalSet,
  scoreItem,
  summarize,
  textReport,
  type EvalItem,
} from "../../server/eval/index.ts";

describe("factFound", () => {
  it("matches numbers as numbers, whatever their format", () => {
    for (const answer of ["We pay £3,600.00.", "a payout of 3600", "pay 3,600 now", "amount £3600"])
      expect(factFound(answer, "3,600")).toBe(true);
    expect(factFound("£1,025.50 paid", "1025.50")).toBe(true);
    expect(factFound("a limit of £50,000", "50000")).toBe(true);
  });

  it("does not match part of another number or a clause number", () => {
    expect(factFound("£2,500 claimed", "250")).toBe(false);
    expect(factFound("clause 4.2.4 (b)", "4.2")).toBe(false);
    expect(factFound("clause 4.2.4 (b)", "4.2.4")).toBe(true);
    expect(factFound("within 12 months", "2")).toBe(false);
  });

  it("matches words case-insensitively on word boundaries, with punctuation ignored", () => {
    expect(factFound("Refer it to the Senior Claims Manager.", "senior claims manager")).toBe(true);
    expect(factFound("status under_investigation", "under investigation")).toBe(true);
    expect(factFound("Siobhan O'Connor", "Siobhan O’Connor")).toBe(true);
    expect(factFound("the payee", "pay")).toBe(false);
    expect(factFound("write to siobhan.oconnor@example.co.uk today", "siobhan.oconnor@example.co.uk")).toBe(true);
    expect(factFound("up to 20% of the sum insured", "20%")).toBe(true);
  });

  it("accepts either form of a fact written a|b", () => {
    expect(factFound("reported on 22 November 2026", "2026-11-22|22 November 2026")).toBe(true);
    expect(factFound("reported 2026-11-22", "2026-11-22|22 November 2026")).toBe(true);
  });
});

describe("declines", () => {
  it("recognises answers that say the documents and records do not answer", () => {
    expect(declines("The documents and back-end do not answer this: searched home-policy-wording.md for 'pet'.")).toBe(true);
    expect(declines("I could not find the premium in the records.")).toBe(true);
    expect(declines("The policy documents don't mention a cancellation fee.")).toBe(true);
    expect(declines("You pay the first £250 of every claim.")).toBe(false);
  });
});

describe("readEvalSet", () => {
  const write = (text: string) => {
    const file = path.join(tempDir("guild-set-").dir, "set.jsonl");
    fs.writeFileSync(file, text);
    return file;
  };

  it("reads one question a line, skipping blank lines and comments", () => {
    const file = write(
      `# a comment\n{"id":"q1","question":"What is the excess?","kind":"single","gold_docs":["a.md"],"gold_facts":["250"]}\n\n{"id":"q2","question":"Pet insurance?","kind":"unanswerable"}\n`,
    );
    expect(readEvalSet(file).map((i) => [i.id, i.kind, i.gold_docs, i.gold_facts])).toEqual([
      ["q1", "single", ["a.md"], ["250"]],
      ["q2", "unanswerable", [], []],
    ]);
  });

  it("names the line and the field at fault", () => {
    expect(() => readEvalSet(write(`{"id":"q1","question":"x","kind":"easy","gold_facts":["1"]}\n`))).toThrow(/set\.jsonl:1: kind/);
    expect(() => readEvalSet(write(`{"id":"q1","question":"x","kind":"single","gold_facts":["1"]}\nnot json\n`))).toThrow(
      /set\.jsonl:2: not JSON/,
    );
    expect(() => readEvalSet(write(`{"id":"q1","question":"x","kind":"single"}\n`))).toThrow(/gold_facts/);
    expect(() =>
      readEvalSet(
        write(
          `{"id":"q1","question":"x","kind":"single","gold_facts":["1"]}\n{"id":"q1","question":"y","kind":"single","gold_facts":["1"]}\n`,
        ),
      ),
    ).toThrow(/used twice/);
  });

  it("reads the shipped sets", () => {
    const dir = path.resolve(import.meta.dirname, "../../agents/packs/insurance-claims/eval");
    const dev = readEvalSet(path.join(dir, "dev.jsonl"));
    expect(dev.length).toBeGreaterThanOrEqual(60);
    expect(dev.filter((i) => i.kind === "unanswerable").length).toBeGreaterThanOrEqual(9);
    for (const kind of ["single", "paraphrase", "multi", "backend", "action"]) expect(dev.some((i) => i.kind === kind)).toBe(true);
    expect(readEvalSet(path.join(dir, "holdout.jsonl"))).toHaveLength(15);
  });
});

/** An event with the fields the scoring reads; the rest of its data left out. */
const event = (seq: number, type: RunEventType, data: object): RunEvent => ({ seq, runId: "run_1", type, at: "", data }) as RunEvent;
const passages = (...sources: string[]) => ({
  specialist: "s",
  passages: sources.map((source) => ({ source })),
  evidence: { strength: 0.5, weak: false, missing: [] },
});

describe("scoreItem", () => {
  const item: EvalItem = {
    id: "m1",
    question: "Excess and who approves?",
    kind: "multi",
    gold_docs: ["a.md", "b.md"],
    gold_facts: ["500", "senior claims manager"],
  };
  const run = (answer: string, citations: string[]): Run =>
    ({
      id: "run_1",
      status: "completed",
      task: item.question,
      pack: "p",
      createdAt: "",
      updatedAt: "",
      pendingApprovals: [],
      result: { answer, citations: citations.map((source) => ({ source, excerpt: "" })) },
    }) as unknown as Run;

  it("ranks the documents of every search, rank by rank", () => {
    const events = [
      event(1, "retrieval.done", passages("c.md § 1", "a.md § 2")),
      event(2, "retrieval.done", passages("b.md § 1", "c.md § 3")),
    ];
    expect(rankedDocuments(events)).toEqual(["c.md", "b.md", "a.md"]);
  });

  it("scores facts, retrieval, citations and effects", () => {
    const events = [
      event(1, "plan.proposed", { steps: [{ specialist: "coverage_analyst" }, { specialist: "payments_officer" }] }),
      event(2, "retrieval.done", passages("a.md § 3.2", "c.md")),
      event(3, "retrieval.done", passages("b.md § 2.2")),
      event(4, "approval.requested", { approval: { kind: "tool_call", action: { name: "issue_payment", args: { amount: 1 } } } }),
    ];
    const result = scoreItem(
      item,
      run("The excess is £500; a Senior Claims Manager approves.", ["a.md § 3.2", "c.md"]),
      events,
      new Set(["issue_payment"]),
      12,
    );
    expect(result).toMatchObject({
      right: true,
      declined: false,
      plan: ["coverage_analyst", "payments_officer"],
      cited: ["a.md", "c.md"],
      citationPrecision: 0.5,
      wrongEffects: 1,
      ms: 12,
    });
    expect(result.retrieval).toEqual({ documents: ["a.md", "b.md", "c.md"], recallAt1: 1, recallAt5: 1, reciprocalRank: 1 });
    expect(scoreItem({ ...item, kind: "action" }, run("", []), events, new Set(["issue_payment"]), 1).wrongEffects).toBe(0);
  });

  it("counts an unanswerable question right only when the answer declines", () => {
    const unanswerable: EvalItem = { id: "u1", question: "Pet insurance?", kind: "unanswerable", gold_docs: [], gold_facts: [] };
    expect(scoreItem(unanswerable, run("The documents and back-end do not answer this.", []), [], new Set(), 1).right).toBe(true);
    expect(scoreItem(unanswerable, run("You pay the first £250.", []), [], new Set(), 1).right).toBe(false);
  });

  it("summarizes answerable questions apart from unanswerable ones", () => {
    const right = scoreItem(item, run("£500, senior claims manager", []), [], new Set(), 10);
    const wrong = scoreItem(item, run("£500", []), [], new Set(), 20);
    const unanswerable = scoreItem(
      { id: "u1", question: "?", kind: "unanswerable", gold_docs: [], gold_facts: [] },
      run("I could not find it.", []),
      [],
      new Set(),
      30,
    );
    const summary = summarize([right, wrong, unanswerable]);
    expect(summary).toMatchObject({
      questions: 3,
      answerable: 2,
      factsRight: 0.5,
      factRecall: 0.75,
      unanswerable: 1,
      declined: 1,
      falseDeclines: 0,
      msPerQuestion: 20,
    });
    expect(summary.byKind.multi).toMatchObject({ questions: 2, factsRight: 0.5 });
    expect(summary.byKind.unanswerable).toMatchObject({ questions: 1, factsRight: null, declined: 1 });
  });
});

describe("reports", () => {
  const item: EvalItem = { id: "s1", question: "Excess?", kind: "single", gold_docs: ["a.md"], gold_facts: ["250"] };
  const run = (answer: string) =>
    ({ id: "r", status: "completed", result: { answer, citations: [] }, pendingApprovals: [] }) as unknown as Run;
  const variant = (answer: string, retrieval: "bm25" | "hybrid", v: "team" | "generalist" = "team") => {
    const items = [scoreItem(item, run(answer), [], new Set(), 5)];
    return { variant: v, model: { provider: "offline" as const, name: "offline" }, retrieval, summary: summarize(items), items };
  };

  it("shows team and generalist side by side, and BM25 against hybrid when both ran", () => {
    const result = {
      pack: "p",
      team: variant("£250", "hybrid"),
      baseline: variant("no", "hybrid", "generalist"),
      bm25: variant("no", "bm25"),
    };
    const text = textReport(result, "set.jsonl");
    expect(text).toContain("team: offline, hybrid retrieval; generalist: offline, hybrid retrieval");
    expect(text).toMatch(/all \(1\)\s+100\.0% \| 0\.0%/);
    expect(text).toContain("The team's retrieval, each cell: BM25 alone | hybrid");
    const json = jsonReport(result, "set.jsonl");
    expect(json.summary).toMatchObject({ variant: "team", retrieval: "hybrid", factsRight: 1 });
    expect(json.bm25).toMatchObject({ retrieval: "bm25", factsRight: 0 });
    expect(json.items[0]).toMatchObject({ id: "s1", right: true, baseline: { right: false } });
  });
});
