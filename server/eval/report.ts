import type { EvalResult, VariantResult } from "./runner.ts";
import type { ItemResult } from "./score.ts";
import { EVAL_KINDS } from "./set.ts";
import type { Figures, Summary } from "./summary.ts";

const percent = (share: number | null): string => (share === null ? "-" : `${(share * 100).toFixed(1)}%`);
const decimal = (value: number | null): string => (value === null ? "-" : value.toFixed(2));

/** The columns of the report: a heading and how a group's figures show in it. */
const COLUMNS: [string, (f: Figures) => string][] = [
  ["right", (f) => percent(f.factsRight)],
  ["facts", (f) => percent(f.factRecall)],
  ["r@1", (f) => percent(f.recallAt1)],
  ["r@5", (f) => percent(f.recallAt5)],
  ["MRR", (f) => decimal(f.mrr)],
  ["cite prec.", (f) => percent(f.citationPrecision)],
  ["wrong eff.", (f) => String(f.wrongEffects)],
  ["declined", (f) => (f.unanswerable === 0 ? "-" : `${f.declined}/${f.unanswerable}`)],
  ["tok/q", (f) => String(f.tokensPerQuestion)],
  ["ms/q", (f) => String(f.msPerQuestion)],
];

/** What the columns mean, under every report. */
const LEGEND = [
  "right: answerable questions with every gold fact in the answer; facts: gold facts found one by one;",
  "r@1, r@5, MRR: gold documents among the documents retrieved; cite prec.: cited documents that are gold;",
  "wrong eff.: effect tools proposed for questions that asked for no action; declined: unanswerable questions declined.",
];

/** Rows of a table: all questions, then each kind; each cell holds the first summary's figure, then the second's. */
function rows(first: Summary, second: Summary | undefined): string[][] {
  const groups: [string, Figures, Figures | undefined][] = [["all", first, second]];
  for (const kind of EVAL_KINDS) {
    const figures = first.byKind[kind];
    if (figures) groups.push([kind, figures, second?.byKind[kind]]);
  }
  return groups.map(([name, team, baseline]) => [
    `${name} (${team.questions})`,
    ...COLUMNS.map(([, show]) => (baseline ? `${show(team)} | ${show(baseline)}` : show(team))),
  ]);
}

function heading(): string[] {
  return ["questions", ...COLUMNS.map(([name]) => name)];
}

/** Where a variant came from: its model and its retrieval. */
function describe(variant: VariantResult): string {
  return `${variant.variant}: ${variant.model.provider === "offline" ? "offline" : `${variant.model.provider}:${variant.model.name}`}, ${variant.retrieval === "hybrid" ? "hybrid retrieval" : "BM25"}`;
}

function aligned(table: string[][]): string[] {
  const widths = table[0]!.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
  return table.map((row) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join("  "));
}

/** The report for a terminal: one aligned table, groups down, figures across; a second for BM25 against hybrid retrieval. */
export function textReport(result: EvalResult, set: string): string {
  const models = [result.team, ...(result.baseline ? [result.baseline] : [])].map(describe).join("; ");
  const cells = result.baseline ? ["each cell: team | generalist"] : [];
  const retrieval = result.bm25
    ? [
        "",
        "The team's retrieval, each cell: BM25 alone | hybrid",
        "",
        ...aligned([heading(), ...rows(result.bm25.summary, result.team.summary)]),
      ]
    : [];
  return [
    `guild eval · pack ${result.pack} · set ${set} · ${models}`,
    ...cells,
    "",
    ...aligned([heading(), ...rows(result.team.summary, result.baseline?.summary)]),
    ...retrieval,
    "",
    ...LEGEND,
  ].join("\n");
}

function itemLine(item: ItemResult): string {
  const missing = item.facts.filter((f) => !f.found).map((f) => f.fact);
  const why =
    item.kind === "unanswerable"
      ? item.declined
        ? "declined"
        : "answered instead of declining"
      : missing.length > 0
        ? `missing ${missing.map((m) => `"${m}"`).join(", ")}`
        : "";
  const effects = item.effects.length > 0 ? `; proposed ${item.effects.map((e) => e.tool).join(", ")}` : "";
  const status = item.status === "completed" ? "" : `; ${item.status}${item.error ? `: ${item.error}` : ""}`;
  return `| ${item.id} | ${item.kind} | ${item.right ? "yes" : "no"} | ${item.plan.join(", ")} | ${(why + effects + status).replace(/\|/g, "\\|")} |`;
}

/** The report as Markdown: the table, then every question with what it missed. */
export function markdownReport(result: EvalResult, set: string): string {
  const markdown = (table: string[][]) => [
    `| ${table[0]!.join(" | ")} |`,
    `|${table[0]!.map((_, i) => (i === 0 ? " --- " : " ---: ")).join("|")}|`,
    ...table.slice(1).map((r) => `| ${r.join(" | ")} |`),
  ];
  const sections = [
    `# guild eval: ${result.pack}`,
    "",
    `Set \`${set}\`; ${[result.team, ...(result.baseline ? [result.baseline] : [])].map(describe).join("; ")}.${result.baseline ? " Each cell: team | generalist." : ""}`,
    "",
    ...markdown([heading(), ...rows(result.team.summary, result.baseline?.summary)]),
    ...(result.bm25
      ? [
          "",
          "The team's retrieval, each cell: BM25 alone | hybrid.",
          "",
          ...markdown([heading(), ...rows(result.bm25.summary, result.team.summary)]),
        ]
      : []),
    "",
    ...LEGEND,
  ];
  for (const variant of [result.team, ...(result.baseline ? [result.baseline] : [])]) {
    sections.push(
      "",
      `## ${variant.variant}: each question`,
      "",
      "| id | kind | right | plan | notes |",
      "| --- | --- | --- | --- | --- |",
      ...variant.items.map(itemLine),
    );
  }
  return `${sections.join("\n")}\n`;
}

/** The JSON report: `{summary, baseline?, bm25?, items}`, each item with the baseline's result for the same question. */
export function jsonReport(result: EvalResult, set: string) {
  const meta = (v: VariantResult) => ({ pack: result.pack, set, variant: v.variant, model: v.model, retrieval: v.retrieval });
  return {
    summary: { ...meta(result.team), ...result.team.summary },
    ...(result.baseline ? { baseline: { ...meta(result.baseline), ...result.baseline.summary } } : {}),
    ...(result.bm25 ? { bm25: { ...meta(result.bm25), ...result.bm25.summary } } : {}),
    items: result.team.items.map((item, i) => ({ ...item, ...(result.baseline ? { baseline: result.baseline.items[i] } : {}) })),
  };
}
