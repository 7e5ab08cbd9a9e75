import { randomBytes, randomUUID } from "node:crypto";
import type Database from "better-sqlite3";
import { Command } from "@langchain/langgraph";
import { pino, type Logger } from "pino";
import { GuildError, isGuildError } from "../../agents/errors/index.ts";
import { createModel, type ModelInfo, type ModelSettings } from "../../agents/models/index.ts";
import { BUILTIN_PACKS_DIR, loadPacks, type Pack } from "../../agents/packs/index.ts";
import { isApprovalRequest, validateDecision, type ApprovalRequest, type GraphEvent } from "../../graphs/index.ts";
import { DecisionSchema, FINISHED_STATUSES, StartRunSchema } from "../contract/index.ts";
import type { Approval, ApprovalStatus, PackSummary, Run, RunEvent, RunStatus, TokenDelta } from "../contract/index.ts";
import { RuntimeBus } from "./bus.ts";
import { openRuntimeDatabase } from "./database.ts";
import { buildEngines, type ModelFactory, type PackEngine } from "./engine.ts";
import { SqliteRunStore, type RunPatch, type RunRecord, type RunStore } from "./runs/index.ts";
import { approvalView, packView, runView, STATUS_OF_DECISION } from "./views.ts";
import { zodFailure } from "./validation.ts";

export interface RuntimeOptions {
  dataDir: string;
  models: ModelSettings;
  /** Makes models in place of the configured providers (embedding, scripted tests). */
  modelFactory?: ModelFactory;
  /** Folders of packs; the built-in packs by default. */
  packDirs?: readonly string[];
  logger?: Logger;
  /** How long a process owns a run it executes before another may take it over. */
  leaseMs?: number;
  /** How often to look for runs that need an owner (0: only at open). */
  sweepMs?: number;
}

const isFinished = (status: RunStatus): boolean => FINISHED_STATUSES.includes(status);

/**
 * The one place that knows persistence and events: creates runs, executes their graphs in the
 * background, stores every event before telling anyone, and resolves approvals exactly once.
 * A paused run lives only in the database; any runtime opened on the same data directory can
 * answer it, and runs left running by a dead process are resumed from their last checkpoint.
 */
export class Runtime {
  readonly bus = new RuntimeBus();
  private readonly instanceId = `${process.pid}-${randomBytes(4).toString("hex")}`;
  private readonly chains = new Map<string, Promise<void>>();
  private readonly active = new Map<string, AbortController>();
  private readonly leaseMs: number;
  private sweepTimer: NodeJS.Timeout | undefined;
  private closed = false;

  private constructor(
    private readonly db: Database.Database,
    private readonly store: RunStore,
    private readonly engines: Map<string, PackEngine>,
    readonly model: ModelInfo,
    private readonly log: Logger,
    options: RuntimeOptions,
  ) {
    this.leaseMs = options.leaseMs ?? 15_000;
    const sweepMs = options.sweepMs ?? 5_000;
    if (sweepMs > 0) {
      this.sweepTimer = setInterval(() => this.sweep(), sweepMs);
      this.sweepTimer.unref();
    }
  }

  /** Opens the data directory, loads the packs and resumes any run that needs an owner. */
  static async open(options: RuntimeOptions): Promise<Runtime> {
    const log = options.logger ?? pino({ level: "silent" });
    const packs: Pack[] = await loadPacks(options.packDirs ?? [BUILTIN_PACKS_DIR]);
    const makeModel: ModelFactory = options.modelFactory ?? ((profile) => createModel(profile, options.models));
    const model = makeModel(undefined).info;
    const db = openRuntimeDatabase(options.dataDir);
    const engines = buildEngines(packs, db, options.dataDir, makeModel);
    const runtime = new Runtime(db, new SqliteRunStore(db), engines, model, log, options);
    runtime.sweep();
    return runtime;
  }

  /** The storage kind, for /api/health. */
  get storage(): { kind: "sqlite" } {
    return { kind: "sqlite" };
  }

  listPacks(): PackSummary[] {
    return [...this.engines.values()].map((e) => packView(e.pack));
  }

  /** The back-end of a pack, for inspecting effects. */
  backendOf(packId: string) {
    return this.engine(packId).backend;
  }

  /** Creates a run and starts it in the background. */
  startRun(input: unknown): Run {
    const parsed = StartRunSchema.safeParse(input);
    if (!parsed.success) throw zodFailure("invalid run", parsed.error);
    const { task, options, metadata } = parsed.data;
    const packId = parsed.data.pack ?? this.engines.keys().next().value!;
    const engine = this.engines.get(packId);
    if (!engine) {
      throw new GuildError("invalid_input", `unknown pack '${packId}'; known packs: ${[...this.engines.keys()].join(", ")}`, { details: { field: "pack" } });
    }
    const id = `run_${randomUUID().replace(/-/g, "").slice(0, 20)}`;
    const planApproval = options?.planApproval ?? engine.pack.planApproval;
    this.store.createRun({ id, status: "queued", task, pack: packId, planApproval, ...(metadata ? { metadata } : {}), model: engine.model });
    this.append(id, "run.created", { task, pack: packId, planApproval, model: engine.model });
    this.schedule(id);
    return this.getRun(id);
  }

  getRun(id: string): Run {
    const record = this.store.getRun(id);
    if (!record) throw new GuildError("not_found", `no run '${id}'`);
    return runView(record, this.store.listApprovals({ runId: id, status: "pending" }));
  }

  listRuns(filter: { status?: RunStatus; limit?: number } = {}): Run[] {
    return this.store.listRuns({ ...filter, limit: filter.limit ?? 50 }).map((r) => runView(r, this.store.listApprovals({ runId: r.id, status: "pending" })));
  }

  listEvents(runId: string, afterSeq = 0, limit?: number): RunEvent[] {
    this.getRun(runId);
    return this.store.listEvents(runId, afterSeq, limit);
  }

  lastSeq(runId: string): number {
    return this.store.lastSeq(runId);
  }

  listApprovals(filter: { status?: ApprovalStatus; runId?: string } = {}): Approval[] {
    return this.store.listApprovals({ status: filter.status ?? "pending", ...(filter.runId ? { runId: filter.runId } : {}) }).map(approvalView);
  }

  getApproval(id: string): Approval {
    const record = this.store.getApproval(id);
    if (!record) throw new GuildError("not_found", `no approval '${id}'`);
    return approvalView(record);
  }

  /**
   * Resolves a pending approval exactly once (compare-and-set), then resumes its run in the
   * background. A second decision on the same approval is a conflict.
   * @example await runtime.decide(approval.id, { type: "edit", args: { ...approval.action.args, amount: 3000 } });
   */
  async decide(approvalId: string, input: unknown): Promise<Approval> {
    const parsed = DecisionSchema.safeParse(input);
    if (!parsed.success) throw zodFailure("invalid decision", parsed.error);
    const record = this.store.getApproval(approvalId);
    if (!record) throw new GuildError("not_found", `no approval '${approvalId}'`);
    if (record.status !== "pending") {
      throw new GuildError("conflict", `approval ${approvalId} is no longer pending: it was ${record.status}`, { details: { status: record.status } });
    }
    const run = this.store.getRun(record.runId)!;
    const decision = validateDecision(this.engine(run.pack).pack, record.request, parsed.data);
    const status = STATUS_OF_DECISION[decision.type];
    const resolved = this.store.transaction(() => {
      if (!this.store.decideApproval(approvalId, status, decision, new Date().toISOString())) return undefined;
      const event = this.store.appendEvent(run.id, "approval.resolved", { approvalId, kind: record.request.guild.kind, status, decision, ...(decision.reviewer ? { reviewer: decision.reviewer } : {}) });
      return { event, approval: approvalView(this.store.getApproval(approvalId)!) };
    });
    if (!resolved) {
      const now = this.store.getApproval(approvalId)!;
      const why = now.status === "pending" ? `its run is ${this.store.getRun(run.id)!.status}` : `it was ${now.status}`;
      throw new GuildError("conflict", `approval ${approvalId} is no longer pending: ${why}`, { details: { status: now.status } });
    }
    const { approval } = resolved;
    this.bus.emit("event", resolved.event);
    this.bus.emit("approval", { type: "resolved", approval });
    this.schedule(run.id);
    return approval;
  }

  /** Stops a run at its next step; its pending approvals expire. */
  async cancel(runId: string): Promise<Run> {
    const run = this.store.getRun(runId);
    if (!run) throw new GuildError("not_found", `no run '${runId}'`);
    const cancelled = this.finish(runId, { status: "cancelled" }, "run.cancelled", {});
    if (!cancelled) {
      const status = this.store.getRun(runId)!.status;
      throw new GuildError("conflict", `run ${runId} has already ${status === "cancelled" ? "been cancelled" : status}`);
    }
    this.active.get(runId)?.abort(new GuildError("cancelled", "the run was cancelled"));
    await this.chains.get(runId);
    return this.getRun(runId);
  }

  /** Resolves when the run has nothing left to do in this process: paused, finished, or owned elsewhere. */
  async waitForRun(runId: string): Promise<Run> {
    for (;;) {
      const chain = this.chains.get(runId);
      if (!chain) return this.getRun(runId);
      await chain;
      if (this.chains.get(runId) === chain) return this.getRun(runId);
    }
  }

  /** Live tokens of every run in this process. */
  onToken(listener: (token: TokenDelta) => void): () => void {
    return this.bus.on("token", listener);
  }

  /** Every stored event of every run executed or decided in this process, after it is stored. */
  onEvent(listener: (event: RunEvent) => void): () => void {
    return this.bus.on("event", listener);
  }

  /** Stops executing (runs stay resumable), then closes the databases. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    for (const controller of this.active.values()) controller.abort(new GuildError("cancelled", "the runtime is closing"));
    await Promise.allSettled([...this.chains.values()]);
    for (const engine of this.engines.values()) engine.backend.close();
    this.db.close();
  }

  private engine(packId: string): PackEngine {
    const engine = this.engines.get(packId);
    if (!engine) throw new GuildError("internal", `run of pack '${packId}', which is not loaded`);
    return engine;
  }

  private append(runId: string, type: string, data: Record<string, unknown>): RunEvent {
    const event = this.store.appendEvent(runId, type, data);
    this.bus.emit("event", event);
    return event;
  }

  /** Queues an execution of the run behind any already queued in this process. */
  private schedule(runId: string): void {
    if (this.closed) return;
    const previous = this.chains.get(runId) ?? Promise.resolve();
    const next = previous
      .then(() => this.execute(runId))
      .catch((error: unknown) => this.log.error({ runId, err: error }, "run execution failed unexpectedly"))
      .finally(() => {
        if (this.chains.get(runId) === next) this.chains.delete(runId);
      });
    this.chains.set(runId, next);
  }

  /** Takes over runs that need an owner: left running by a dead process, or decided but not resumed. */
  private sweep(): void {
    if (this.closed) return;
    for (const run of this.store.orphanedRuns(Date.now())) {
      if (!this.chains.has(run.id)) this.schedule(run.id);
    }
  }

  private async execute(runId: string): Promise<void> {
    if (this.closed) return;
    const run = this.store.getRun(runId);
    if (!run || isFinished(run.status)) return;
    if (!this.store.acquireLease(runId, this.instanceId, Date.now() + this.leaseMs)) {
      // Another process is executing it; it may not see a decision stored here, so look again later.
      this.retryLater(runId);
      return;
    }
    const controller = new AbortController();
    const renew = setInterval(() => {
      // Losing the lease means another process may take the run over: stop at once.
      if (!this.store.acquireLease(runId, this.instanceId, Date.now() + this.leaseMs)) controller.abort(new GuildError("conflict", "lost the lease on the run"));
    }, Math.max(100, this.leaseMs / 3));
    this.active.set(runId, controller);
    const { graph } = this.engine(run.pack);
    try {
      const input = await this.nextInput(run);
      if (input === undefined) return await this.settle(runId);
      const started = this.store.transaction(() => {
        const current = this.store.getRun(runId);
        if (!current || isFinished(current.status)) return false;
        if (current.status === "queued") this.bus.emit("event", this.store.appendEvent(runId, "run.started", {}));
        return current.status === "running" || this.store.updateRun(runId, { status: "running" }) !== undefined;
      });
      if (!started) return;
      const stream = await graph.stream(input, { configurable: { thread_id: runId }, streamMode: ["custom"], signal: controller.signal, recursionLimit: 200 });
      for await (const [, chunk] of stream as AsyncIterable<[string, GraphEvent]>) this.onGraphEvent(runId, chunk);
      await this.settle(runId);
    } catch (error) {
      if (controller.signal.aborted) return; // cancelled, closing or taken over: the state stays resumable
      this.fail(runId, error);
    } finally {
      clearInterval(renew);
      this.active.delete(runId);
      this.store.releaseLease(runId, this.instanceId);
    }
  }

  /** Tries a run again shortly, while another process may still hold it. */
  private retryLater(runId: string, attempt = 0): void {
    if (this.closed || attempt * 250 > this.leaseMs * 2) return;
    const timer = setTimeout(() => {
      const run = this.store.getRun(runId);
      if (!run || isFinished(run.status) || this.chains.has(runId)) return;
      if (this.store.acquireLease(runId, this.instanceId, Date.now() + this.leaseMs)) {
        this.store.releaseLease(runId, this.instanceId);
        this.schedule(runId);
      } else this.retryLater(runId, attempt + 1);
    }, 250);
    timer.unref();
  }

  /** The approval requests the graph still waits for (a resumed task keeps its interrupt listed). */
  private async waiting(run: RunRecord) {
    const snapshot = await this.engine(run.pack).graph.getState({ configurable: { thread_id: run.id } });
    const interrupts = snapshot.tasks.filter((t) => t.result === undefined).flatMap((t) => t.interrupts);
    return { snapshot, interrupts: interrupts.filter((i): i is typeof i & { value: ApprovalRequest; id: string } => isApprovalRequest(i.value) && typeof i.id === "string") };
  }

  /** What to feed the graph: the task, the decisions it waits for, null to continue, or nothing to do. */
  private async nextInput(run: RunRecord): Promise<unknown> {
    const { snapshot, interrupts } = await this.waiting(run);
    if (!snapshot.config.configurable?.checkpoint_id) return { task: run.task, planApproval: run.planApproval };
    if (interrupts.length === 0) return snapshot.next.length > 0 ? null : undefined;
    const resume: Record<string, unknown> = {};
    for (const approval of this.store.listApprovals({ runId: run.id })) {
      if (approval.status === "pending" || approval.status === "expired" || approval.applied || !approval.decision) continue;
      const interrupt = interrupts.find((i) => i.value.guild.approvalId === approval.id);
      if (interrupt) resume[interrupt.id] = approval.decision;
    }
    return Object.keys(resume).length > 0 ? new Command({ resume }) : undefined;
  }

  /** Records where the graph stopped: approvals it waits for, or the finished answer. */
  private async settle(runId: string): Promise<void> {
    const run = this.store.getRun(runId);
    if (!run || isFinished(run.status)) return;
    const { snapshot, interrupts } = await this.waiting(run);
    const waitingIds = new Set(interrupts.map((i) => i.value.guild.approvalId));
    const approvals = this.store.listApprovals({ runId });
    this.store.markApplied(approvals.filter((a) => a.decision && !a.applied && !waitingIds.has(a.id)).map((a) => a.id));
    const usage = snapshot.values.usage as Run["usage"] | undefined;
    const withUsage = usage?.inputTokens ? { usage } : {};

    if (interrupts.length > 0) {
      let undecided = 0;
      for (const interrupt of interrupts) {
        const request = interrupt.value;
        const asked = this.store.transaction(() => {
          const { record, created } = this.store.upsertApproval({ id: request.guild.approvalId, runId, interruptId: interrupt.id, request });
          return { record, event: created ? this.store.appendEvent(runId, "approval.requested", { approval: approvalView(record) }) : undefined };
        });
        if (asked.event) {
          this.bus.emit("event", asked.event);
          this.bus.emit("approval", { type: "requested", approval: approvalView(asked.record) });
        }
        if (asked.record.status === "pending") undecided += 1;
      }
      this.store.updateRun(runId, { status: "awaiting_approval", ...withUsage });
      // A decision stored while the graph was running has not been fed to it yet.
      if (undecided < interrupts.length) this.schedule(runId);
      return;
    }
    if (snapshot.next.length > 0) return;
    const result = snapshot.values.result as Run["result"];
    this.finish(runId, { status: "completed", ...(result ? { result } : {}), ...withUsage }, "run.completed", {
      answer: result?.answer ?? "",
      citations: result?.citations ?? [],
    });
  }

  /**
   * Ends a run once: the final status, the expiry of its pending approvals and the final event
   * land in one transaction. False when the run had already finished.
   */
  private finish(runId: string, patch: RunPatch, type: string, data: Record<string, unknown>): boolean {
    const outcome = this.store.transaction(() => {
      if (!this.store.updateRun(runId, patch)) return undefined;
      const at = new Date().toISOString();
      const expired = this.store.listApprovals({ runId, status: "pending" }).filter((a) => this.store.expireApproval(a.id, at));
      const events = expired.map((a) => this.store.appendEvent(runId, "approval.resolved", { approvalId: a.id, kind: a.request.guild.kind, status: "expired" }));
      events.push(this.store.appendEvent(runId, type, data));
      return { events, expired: expired.map((a) => approvalView(this.store.getApproval(a.id)!)) };
    });
    if (!outcome) return false;
    for (const event of outcome.events) this.bus.emit("event", event);
    for (const approval of outcome.expired) this.bus.emit("approval", { type: "resolved", approval });
    return true;
  }

  private fail(runId: string, error: unknown): void {
    const code = isGuildError(error) ? error.code : "internal";
    const message = error instanceof Error ? error.message : String(error);
    this.log.error({ runId, err: error }, "run failed");
    this.finish(runId, { status: "failed", error: { code, message } }, "run.failed", { code, message });
  }

  private onGraphEvent(runId: string, event: GraphEvent): void {
    if (event.kind === "token") {
      this.bus.emit("token", { runId, node: event.node, ...(event.specialist ? { specialist: event.specialist } : {}), delta: event.delta });
      return;
    }
    // Another process may have cancelled the run; stop at this step.
    if (this.store.getRun(runId)?.status === "cancelled") {
      this.active.get(runId)?.abort(new GuildError("cancelled", "the run was cancelled"));
      return;
    }
    this.append(runId, event.type, event.data);
  }
}
