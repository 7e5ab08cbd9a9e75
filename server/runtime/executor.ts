import { randomBytes } from "node:crypto";
import { Command } from "@langchain/langgraph";
import type { Logger } from "pino";
import { GuildError, isGuildError } from "../../agents/errors/index.ts";
import { isSqliteBusy, isTransientPostgresError } from "../../agents/faults/index.ts";
import { isApprovalRequest, saveLessons, type ApprovalRequest, type GraphEvent, type TaughtLesson } from "../../graphs/index.ts";
import { FINISHED_STATUSES, type Run, type RunEventData, type RunStatus } from "../contract/index.ts";
import type { RuntimeBus } from "./bus.ts";
import type { EventFeed } from "./feed.ts";
import { engineOf, type PackEngine } from "./engine.ts";
import type { RunPatch, RunRecord, RunStore } from "./runs/index.ts";
import type { CheckpointMaintenance } from "./storage/index.ts";
import { auditSubject } from "./audit/index.ts";
import { recordEscalation } from "./approval-deadlines.ts";
import { repeat } from "./repeat.ts";
import { Admission } from "./admission.ts";
import { EventBatcher } from "./event-batcher.ts";
import { approvalView } from "./views.ts";

/** The tokens a run's state counts, when a model reported any (the offline model reports none). */
const usageIn = (values: Record<string, unknown>): Run["usage"] | undefined => {
  const usage = values.usage as Run["usage"] | undefined;
  return usage?.inputTokens ? usage : undefined;
};

export const isFinished = (status: RunStatus): boolean => FINISHED_STATUSES.includes(status);

/** What the executor works with: the stores, the packs' engines, and where events are told. */
export interface ExecutorDeps {
  store: RunStore;
  checkpoints: CheckpointMaintenance;
  engines: ReadonlyMap<string, PackEngine>;
  bus: RuntimeBus;
  feed: EventFeed;
  log: Logger;
}

export interface ExecutorOptions {
  /** How long this process owns a run it executes before another may take it over. */
  leaseMs: number;
  /** How often to look for runs that need an owner (0: only when asked). */
  sweepMs: number;
  /** How many runs this process executes at once; more wait their turn (see Admission). */
  maxActiveRuns: number;
}

/** The storage was busy or out of reach for longer than its retries: the run is not at fault. */
const isStorageFault = (error: unknown): boolean => isSqliteBusy(error) || isTransientPostgresError(error);

type GraphEventOf<K extends GraphEvent["kind"]> = Extract<GraphEvent, { kind: K }>;

/**
 * Executes runs' graphs in the background of this process: one execution of a run at a time,
 * under a lease so that several processes can share a data directory, and takes over runs that
 * a dead process left behind. Every event is stored before it is told.
 */
export class RunExecutor {
  private readonly instanceId = `${process.pid}-${randomBytes(4).toString("hex")}`;
  private readonly chains = new Map<string, Promise<void>>();
  /** The last run to take its place in the admission queue (see execute). */
  private entering: Promise<unknown> = Promise.resolve();
  private readonly active = new Map<string, AbortController>();
  private readonly leaseMs: number;
  private readonly sweepTimer: NodeJS.Timeout | undefined;
  /** Timers of runs to try again while another process holds them; cleared on close. */
  private readonly retries = new Set<NodeJS.Timeout>();
  private closed = false;
  readonly admission: Admission;

  private readonly store: RunStore;
  private readonly checkpoints: CheckpointMaintenance;
  private readonly engines: ReadonlyMap<string, PackEngine>;
  private readonly bus: RuntimeBus;
  private readonly feed: EventFeed;
  private readonly log: Logger;

  constructor(deps: ExecutorDeps, options: ExecutorOptions) {
    ({ store: this.store, checkpoints: this.checkpoints, engines: this.engines, bus: this.bus, feed: this.feed, log: this.log } = deps);
    this.leaseMs = options.leaseMs;
    this.admission = new Admission(options.maxActiveRuns);
    this.sweepTimer = repeat(options.sweepMs, () => this.sweep(), this.log, "could not look for runs that need an owner; trying again");
  }

  /** Resolves when this process has nothing queued or running for the run. */
  async idle(runId: string): Promise<void> {
    for (;;) {
      const chain = this.chains.get(runId);
      if (!chain) return;
      await chain;
      if (this.chains.get(runId) === chain) return;
    }
  }

  /** Aborts the run's execution in this process, if any, at its next step. */
  stop(runId: string, reason: GuildError): void {
    this.active.get(runId)?.abort(reason);
  }

  /**
   * Stops executing: nothing new starts; executions under way get `graceMs` to reach a pause or
   * their end, then are aborted (they resume from their last checkpoint on the next start).
   */
  async close(graceMs = 0): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.retries.forEach((timer) => clearTimeout(timer));
    this.retries.clear();
    this.admission.close();
    const settled = Promise.allSettled([...this.chains.values()]);
    if (graceMs > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([settled, new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
      clearTimeout(timer);
    }
    for (const controller of this.active.values()) controller.abort(new GuildError("cancelled", "the runtime is closing"));
    await settled;
  }

  /**
   * Queues an execution of the run behind any already queued in this process. `persist`: when
   * another process holds the run, keep trying for a while (this process stored a decision the
   * other may not have seen); a run another process told about is left to whoever holds it.
   */
  schedule(runId: string, options: { persist?: boolean } = {}): void {
    if (this.closed) return;
    const persist = options.persist ?? true;
    const previous = this.chains.get(runId) ?? Promise.resolve();
    const next = previous
      // Whoever scheduled the run (an HTTP request, say) answers before the graph takes the CPU.
      .then(() => new Promise((resolve) => setImmediate(resolve)))
      .then(() => this.execute(runId, persist))
      .catch((error: unknown) => this.log.error({ runId, err: error }, "run execution failed unexpectedly"))
      .finally(() => {
        if (this.chains.get(runId) === next) this.chains.delete(runId);
      });
    this.chains.set(runId, next);
  }

  /** Takes over runs that need an owner: left running by a dead process, or decided but not resumed. */
  async sweep(): Promise<void> {
    if (this.closed) return;
    for (const run of await this.store.orphanedRuns()) {
      if (!this.chains.has(run.id)) this.schedule(run.id, { persist: false });
    }
  }

  /**
   * Executes the run once this process has a slot for it (see Admission). A run not yet started
   * that has to wait says so (`run.queued`), and other processes sharing the database are told, so
   * that one with a free slot may take it first.
   */
  private async execute(runId: string, persist: boolean): Promise<void> {
    if (this.closed) return;
    // Runs enter admission in the order they were scheduled (first in, first out): each reads its
    // status after the one before has taken its place in the queue, however the reads interleave.
    const entered = this.entering.then(async () => {
      const run = await this.store.getRun(runId);
      if (!run || isFinished(run.status)) return undefined;
      const waiting = run.status === "queued";
      // Wrapped, not returned bare (a returned promise would be awaited): the place in the queue
      // is taken now, the turn comes later.
      const turn = this.admission.enter(runId, waiting ? "start" : "resume", (ahead) => {
        if (waiting) void this.tellQueued(runId, ahead);
      });
      turn.catch(() => undefined); // a rejection (closing) is handled where the turn is awaited
      return { turn };
    });
    this.entering = entered.catch(() => undefined);
    const place = await entered;
    if (!place) return;
    let release: (() => void) | undefined;
    try {
      release = await place.turn;
    } catch {
      return; // closing: the run stays where it is, for the next start or another process
    }
    try {
      await this.executeAdmitted(runId, persist);
    } finally {
      release();
    }
  }

  /** Records that a run waits for a slot here, and tells other processes it has work for them. */
  private async tellQueued(runId: string, ahead: number): Promise<void> {
    try {
      await this.store.transaction(async (tx) => {
        await tx.appendEvent(runId, "run.queued", { ahead, maxActiveRuns: this.admission.capacity });
        await tx.signalWork(runId);
      });
      await this.feed.catchUp();
    } catch (error) {
      this.log.warn({ runId, err: error }, "could not record that a run is queued");
    }
  }

  private async executeAdmitted(runId: string, persist: boolean): Promise<void> {
    if (this.closed) return;
    const run = await this.store.getRun(runId);
    if (!run || isFinished(run.status)) return;
    if (!(await this.store.acquireLease(runId, this.instanceId, this.leaseMs))) {
      // Another process is executing it; it may not see a decision stored here, so look again later.
      if (persist) this.retryLater(runId);
      return;
    }
    const controller = new AbortController();
    const renew = this.renewWhileRunning(runId, controller);
    this.active.set(runId, controller);
    const { graph } = engineOf(this.engines, run.pack);
    try {
      const input = await this.nextInput(run);
      if (input === undefined) return await this.settle(runId);
      const started = await this.store.transaction(async (tx) => {
        const current = await tx.getRun(runId);
        if (!current || isFinished(current.status)) return false;
        if (current.status === "queued") await tx.appendEvent(runId, "run.started", {});
        return current.status === "running" || (await tx.updateRun(runId, { status: "running" })) !== undefined;
      });
      await this.feed.catchUp();
      if (!started) return;
      this.log.info({ runId, pack: run.pack }, input === null || input instanceof Command ? "run resumed" : "run started");
      // Durability "async": each step's checkpoint is written while the next step runs, and the run
      // waits for it before it pauses or ends; a crash resumes from the last step written.
      const stream = await graph.stream(input, {
        // The tenant keeps the run's lessons and summary with its own, and recalls only those.
        configurable: { thread_id: runId, tenant: run.tenant },
        streamMode: ["custom"],
        signal: controller.signal,
        recursionLimit: 200,
        durability: "async",
      });
      // Events a step tells while the last batch is stored go together in the next transaction.
      const events = new EventBatcher<GraphEventOf<"event">>((batch) => this.recordAll(runId, batch));
      for await (const [, chunk] of stream as AsyncIterable<[string, GraphEvent]>) {
        if (chunk.kind === "token")
          this.bus.emit("token", {
            runId,
            node: chunk.node,
            ...(chunk.specialist ? { specialist: chunk.specialist } : {}),
            delta: chunk.delta,
          });
        // Once the run is cancelled, the step still winding down has nothing more to tell.
        else if (!controller.signal.aborted) events.push(chunk);
      }
      await events.drain();
      await this.settle(runId);
    } catch (error) {
      if (controller.signal.aborted) return; // cancelled, closing or taken over: the state stays resumable
      if (isStorageFault(error)) {
        // The database was busy or gone for longer than its retries: not the run's fault. It stays
        // resumable from its last checkpoint, and is tried again here (or by another process).
        this.log.warn({ runId, err: error }, "storage unavailable: the run waits and goes on from its last checkpoint");
        this.bus.emit("storageFault", { runId, error });
        this.retryLater(runId);
        return;
      }
      await this.fail(runId, error);
    } finally {
      clearInterval(renew);
      this.active.delete(runId);
      await this.store
        .releaseLease(runId, this.instanceId)
        .catch((error: unknown) => this.log.warn({ runId, err: error }, "could not release the lease on a run; it runs out by itself"));
    }
  }

  /**
   * Renews the lease while the run executes. Losing it means another process may take the run
   * over: stop at once. A run cancelled by another process is noticed here too (this process's
   * cancel aborts directly).
   */
  private renewWhileRunning(runId: string, controller: AbortController): NodeJS.Timeout {
    let renewing = false;
    return setInterval(
      () => {
        if (renewing) return;
        renewing = true;
        (async () => {
          if (!(await this.store.acquireLease(runId, this.instanceId, this.leaseMs)))
            controller.abort(new GuildError("conflict", "lost the lease on the run"));
          else if ((await this.store.getRun(runId))?.status === "cancelled")
            controller.abort(new GuildError("cancelled", "the run was cancelled"));
        })()
          .catch((error: unknown) => this.log.warn({ runId, err: error }, "could not renew the lease on a run; trying again"))
          .finally(() => (renewing = false));
      },
      Math.max(100, this.leaseMs / 3),
    );
  }

  /** Tries a run again shortly, while another process may still hold it. */
  private retryLater(runId: string, attempt = 0): void {
    if (this.closed || attempt * 250 > this.leaseMs * 2) return;
    const timer = setTimeout(() => {
      this.retries.delete(timer);
      if (this.closed) return;
      void (async () => {
        const run = await this.store.getRun(runId);
        if (!run || isFinished(run.status) || this.chains.has(runId)) return;
        if (await this.store.acquireLease(runId, this.instanceId, this.leaseMs)) {
          await this.store.releaseLease(runId, this.instanceId);
          this.schedule(runId);
        } else this.retryLater(runId, attempt + 1);
      })().catch((error: unknown) => {
        this.log.warn({ runId, err: error }, "could not look at a run held by another process; trying again");
        this.retryLater(runId, attempt + 1);
      });
    }, 250);
    timer.unref();
    this.retries.add(timer);
  }

  /** The approval requests the graph still waits for (a resumed task keeps its interrupt listed). */
  private async waiting(run: RunRecord) {
    const snapshot = await engineOf(this.engines, run.pack).graph.getState({ configurable: { thread_id: run.id } });
    const interrupts = snapshot.tasks.filter((t) => t.result === undefined).flatMap((t) => t.interrupts);
    return {
      snapshot,
      interrupts: interrupts.filter(
        (i): i is typeof i & { value: ApprovalRequest; id: string } => isApprovalRequest(i.value) && typeof i.id === "string",
      ),
    };
  }

  /** What to feed the graph: the task, the decisions it waits for, null to continue, or nothing to do. */
  private async nextInput(run: RunRecord): Promise<unknown> {
    const { snapshot, interrupts } = await this.waiting(run);
    if (!snapshot.config.configurable?.checkpoint_id) return { task: run.task, planApproval: run.planApproval };
    // A step whose tasks all finished before the checkpoint after it was saved (a crash in the next
    // node) lists no `next`, yet the graph has not ended: its tasks' writes wait to be applied.
    if (interrupts.length === 0) return snapshot.next.length > 0 || snapshot.tasks.length > 0 ? null : undefined;
    const resume: Record<string, unknown> = {};
    for (const approval of await this.store.listApprovals({ runId: run.id })) {
      // An approval expired by the policy's fallback carries its decision; one expired by the run's end carries none.
      if (approval.status === "pending" || approval.applied || !approval.decision) continue;
      const interrupt = interrupts.find((i) => i.value.guild.approvalId === approval.id);
      if (interrupt) resume[interrupt.id] = approval.decision;
    }
    return Object.keys(resume).length > 0 ? new Command({ resume }) : undefined;
  }

  /** Records where the graph stopped: approvals it waits for, or the finished answer. */
  private async settle(runId: string): Promise<void> {
    const run = await this.store.getRun(runId);
    if (!run || isFinished(run.status)) return;
    const { snapshot, interrupts } = await this.waiting(run);
    const waitingIds = new Set(interrupts.map((i) => i.value.guild.approvalId));
    const approvals = await this.store.listApprovals({ runId });
    await this.store.markApplied(approvals.filter((a) => a.decision && !a.applied && !waitingIds.has(a.id)).map((a) => a.id));
    const usage = usageIn(snapshot.values);
    const withUsage = usage ? { usage } : {};

    if (interrupts.length > 0) {
      // One transaction for all of them, which sees the run's status as it is now: a run cancelled
      // while this looked at its state asks nothing more.
      const undecided = await this.store.transaction(async (tx) => {
        const current = await tx.getRun(runId);
        if (!current || isFinished(current.status)) return undefined;
        let pending = 0;
        for (const interrupt of interrupts) {
          const request = interrupt.value;
          const { record, created } = await tx.upsertApproval({ id: request.guild.approvalId, runId, interruptId: interrupt.id, request });
          if (created) await tx.appendEvent(runId, "approval.requested", { approval: approvalView(record) });
          if (created && record.escalation) await recordEscalation(tx, record, record.escalation);
          if (record.status === "pending") pending += 1;
        }
        await tx.updateRun(runId, { status: "awaiting_approval", ...withUsage });
        return pending;
      });
      await this.feed.catchUp();
      if (undecided === undefined) return;
      this.log.info({ runId, waitingFor: interrupts.map((i) => i.value.guild.approvalId) }, "run paused for approval");
      // Still under this process's lease, so no step runs meanwhile.
      await this.compact(runId);
      // A decision stored while the graph was running has not been fed to it yet.
      if (undecided < interrupts.length) this.schedule(runId);
      return;
    }
    // Not ended while a step still has tasks, even when `next` lists none of them (see nextInput).
    if (snapshot.next.length > 0 || snapshot.tasks.length > 0) return;
    const result = snapshot.values.result as Run["result"];
    await this.finish(runId, { status: "completed", ...(result ? { result } : {}), ...withUsage }, "run.completed", {
      answer: result?.answer ?? "",
      citations: result?.citations ?? [],
    });
  }

  /**
   * Ends a run once: the final status, the expiry of its pending approvals and the final event
   * land in one transaction. False when the run had already finished.
   */
  async finish<T extends "run.completed" | "run.failed" | "run.cancelled">(
    runId: string,
    patch: RunPatch,
    type: T,
    data: RunEventData[T],
  ): Promise<boolean> {
    const ended = await this.store.transaction(async (tx) => {
      const run = await tx.updateRun(runId, patch);
      if (!run) return undefined;
      const at = new Date().toISOString();
      for (const a of await tx.listApprovals({ runId, status: "pending" })) {
        if (!(await tx.expireApproval(a.id, at))) continue;
        await tx.appendEvent(runId, "approval.resolved", { approvalId: a.id, kind: a.request.guild.kind, status: "expired" });
        await tx.appendAudit({
          ...auditSubject(a),
          event: "expired",
          status: "expired",
          via: "run",
          message: `The run ${patch.status === "cancelled" ? "was cancelled" : `ended (${patch.status})`} before a decision.`,
          at,
        });
      }
      await tx.appendEvent(runId, type, data);
      return run;
    });
    // Told before anything else is awaited, so that whoever sees the run ended also sees it counted.
    if (ended)
      this.bus.emit("finished", {
        status: ended.status,
        durationMs: Date.now() - Date.parse(ended.createdAt),
        ...(ended.usage ? { usage: ended.usage } : {}),
      });
    await this.feed.catchUp();
    if (ended) {
      this.log.info({ runId, status: patch.status }, "run finished");
      await this.compact(runId);
    }
    return ended !== undefined;
  }

  /**
   * Deletes all but the run's last checkpoint (and the writes and values only older ones had). A
   * paused run resumes from its last checkpoint, and a finished one's view and a late read of its
   * state need no more: no channel of Guild's state is rebuilt from earlier checkpoints (LangGraph
   * does that for its delta channels only). So a run waiting days for a reviewer costs kilobytes.
   */
  private async compact(runId: string): Promise<void> {
    await this.checkpoints
      .compact(runId)
      .catch((error: unknown) => this.log.warn({ runId, err: error }, "could not compact a run's checkpoints"));
  }

  private async fail(runId: string, error: unknown): Promise<void> {
    const code = isGuildError(error) ? error.code : "internal";
    const message = error instanceof Error ? error.message : String(error);
    const details = isGuildError(error) && error.details !== undefined ? { details: error.details } : {};
    this.log.error({ runId, err: error }, "run failed");
    const usage = await this.wrapUp(runId);
    await this.finish(runId, { status: "failed", error: { code, message, ...details }, ...(usage ? { usage } : {}) }, "run.failed", {
      code,
      message,
      ...details,
    });
  }

  /**
   * For a run that ends early (failed, cancelled), from one read of its last checkpoint: keeps what
   * reviewers taught it so far, and returns the tokens it used (undefined when none).
   */
  async wrapUp(runId: string): Promise<Run["usage"] | undefined> {
    const run = await this.store.getRun(runId);
    if (!run) return undefined;
    const engine = engineOf(this.engines, run.pack);
    try {
      const { values } = await engine.graph.getState({ configurable: { thread_id: runId } });
      const learned = (values.learned ?? []) as TaughtLesson[];
      if (learned.length > 0) await saveLessons(engine.memory, run.pack, runId, learned, run.tenant);
      return usageIn(values);
    } catch (error) {
      this.log.warn({ runId, err: error }, "could not read the last checkpoint of a run that ended early");
      return undefined;
    }
  }

  /** Stores events with the run's next seqs in one transaction, then tells this process's listeners. */
  private async recordAll(runId: string, events: readonly GraphEventOf<"event">[]): Promise<void> {
    await this.store.transaction(async (tx) => {
      for (const event of events) await tx.appendEvent(runId, event.type, event.data);
    });
    await this.feed.catchUp();
  }
}
