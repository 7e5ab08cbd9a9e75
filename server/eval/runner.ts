import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Logger } from "pino";
import type { Embedder } from "../../agents/knowledge/index.ts";
import type { ModelInfo, ModelSettings } from "../../agents/models/index.ts";
import type { Pack } from "../../agents/packs/index.ts";
import type { Approval, Decision } from "../contract/index.ts";
import { Runtime } from "../runtime/index.ts";
import { scoreItem, type ItemResult } from "./score.ts";
import type { EvalItem } from "./set.ts";
import { summarize, type Summary } from "./summary.ts";
import { specialistIds, writeVariant, type Variant } from "./variants.ts";

/** How many times a run may stop for approvals before the eval gives up on it. */
const MAX_APPROVAL_ROUNDS = 10;

export interface EvalOptions {
  pack: Pack;
  items: readonly EvalItem[];
  /** The models as configured; `model` replaces every one of them. */
  models: ModelSettings;
  model?: string | undefined;
  /** Also run the generalist derived from the pack, with the same model and engine. */
  baseline?: "generalist" | undefined;
  /** Makes retrieval hybrid; the team is then also run with BM25 alone, for comparison. */
  embedder?: Embedder | undefined;
  /** Where the throwaway data directories go (the system's temp folder by default); removed after. */
  workDir?: string | undefined;
  logger?: Logger | undefined;
  onProgress?: ((progress: { done: number; total: number; variant: string; id: string }) => void) | undefined;
}

/** One variant's results: its figures and each question. */
export interface VariantResult {
  variant: Variant;
  model: ModelInfo;
  retrieval: "bm25" | "hybrid";
  summary: Summary;
  items: ItemResult[];
}

export interface EvalResult {
  pack: string;
  team: VariantResult;
  baseline?: VariantResult;
  /** The team with BM25 alone, when the team's retrieval is hybrid. */
  bm25?: VariantResult;
}

/**
 * The model settings a variant runs with: `model`, when given, for the supervisor and every
 * specialist; else the configured ones, keeping only the per-specialist models the variant has.
 */
function modelsFor(settings: ModelSettings, ids: readonly string[], model: string | undefined): ModelSettings {
  if (model)
    return {
      ...settings,
      defaultModel: model,
      overrides: { supervisor: model, specialists: Object.fromEntries(ids.map((id) => [id, model])) },
    };
  const specialists = Object.fromEntries(Object.entries(settings.overrides?.specialists ?? {}).filter(([id]) => ids.includes(id)));
  return { ...settings, overrides: { ...settings.overrides, specialists } };
}

/** Approves nothing: every tool call and plan is rejected; a final answer waiting for approval is released so that it can be scored. */
function evalDecision(approval: Approval): Decision {
  if (approval.kind === "answer") return { type: "approve", reviewer: "guild eval" };
  return { type: "reject", message: "guild eval approves nothing", reviewer: "guild eval" };
}

/** Runs one question as a run of its own, in a data directory of its own, and scores it. */
async function runItem(
  item: EvalItem,
  options: {
    pack: Pack;
    packsDir: string;
    models: ModelSettings;
    workDir: string;
    logger?: Logger | undefined;
    effectTools: ReadonlySet<string>;
    embedder: Embedder | undefined;
  },
) {
  const dataDir = fs.mkdtempSync(path.join(options.workDir, "data-"));
  const runtime = await Runtime.open({
    dataDir,
    models: options.models,
    packDirs: [options.packsDir],
    sweepMs: 0,
    feedPollMs: 0,
    approvalCheckMs: 0,
    ...(options.logger ? { logger: options.logger } : {}),
    // One cache for the whole eval: each question's data directory is new, its passages are not.
    ...(options.embedder ? { embedder: options.embedder, embeddingsCacheDir: path.join(options.workDir, "embeddings") } : {}),
  });
  try {
    const started = Date.now();
    const created = await runtime.startRun({ task: item.question, pack: options.pack.id, options: { planApproval: false } });
    let run = await runtime.waitForRun(created.id);
    for (let round = 0; run.status === "awaiting_approval"; round += 1) {
      if (round >= MAX_APPROVAL_ROUNDS) {
        run = await runtime.cancel(run.id);
        break;
      }
      for (const approval of run.pendingApprovals) await runtime.decide(approval.id, evalDecision(approval), { via: "api" });
      run = await runtime.waitForRun(run.id);
    }
    const ms = Date.now() - started;
    const events = await runtime.listEvents(run.id);
    return { result: scoreItem(item, run, events, options.effectTools, ms), model: runtime.model };
  } finally {
    await runtime.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * Runs every question of a set through the pack's team (and, with a baseline, through the
 * generalist derived from it), each as a run of its own in a throwaway data directory, never the
 * user's; approves nothing; scores the answers.
 * @example const result = await runEval({ pack, items: readEvalSet("dev.jsonl"), models: config.models, baseline: "generalist" });
 */
export async function runEval(options: EvalOptions): Promise<EvalResult> {
  const root = fs.mkdtempSync(path.join(options.workDir ?? os.tmpdir(), "guild-eval-"));
  const { embedder } = options;
  // The team as configured; with embeddings, the team with BM25 alone too; then the generalist, as configured.
  const runs: { variant: Variant; embedder: Embedder | undefined; role: "team" | "bm25" | "baseline" }[] = [
    { variant: "team", embedder, role: "team" },
    ...(embedder ? [{ variant: "team" as const, embedder: undefined, role: "bm25" as const }] : []),
    ...(options.baseline ? [{ variant: "generalist" as const, embedder, role: "baseline" as const }] : []),
  ];
  const effectTools = new Set([...options.pack.tools.values()].filter((t) => t.kind === "effect").map((t) => t.name));
  const total = runs.length * options.items.length;
  let done = 0;
  try {
    const results: Partial<Record<(typeof runs)[number]["role"], VariantResult>> = {};
    for (const run of runs) {
      const packsDir = writeVariant(options.pack, run.variant, path.join(root, "packs", run.role));
      const models = modelsFor(options.models, specialistIds(options.pack, run.variant), options.model);
      const items: ItemResult[] = [];
      let model: ModelInfo | undefined;
      for (const item of options.items) {
        const outcome = await runItem(item, {
          pack: options.pack,
          packsDir,
          models,
          workDir: root,
          logger: options.logger,
          effectTools,
          embedder: run.embedder,
        });
        items.push(outcome.result);
        model ??= outcome.model;
        done += 1;
        options.onProgress?.({ done, total, variant: run.role === "bm25" ? "team, BM25 alone" : run.variant, id: item.id });
      }
      results[run.role] = {
        variant: run.variant,
        model: model!,
        retrieval: run.embedder ? "hybrid" : "bm25",
        summary: summarize(items),
        items,
      };
    }
    return {
      pack: options.pack.id,
      team: results.team!,
      ...(results.baseline ? { baseline: results.baseline } : {}),
      ...(results.bm25 ? { bm25: results.bm25 } : {}),
    };
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}
