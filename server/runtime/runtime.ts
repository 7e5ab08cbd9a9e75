import { createHash, randomUUID } from "node:crypto";
import path from "node:path";
import { pino, type Logger } from "pino";
import type { Item } from "@langchain/langgraph-checkpoint";
import { GuildError } from "../../agents/errors/index.ts";
import { noFailpoint, type Failpoint } from "../../agents/faults/index.ts";
import { embedKnowledge } from "../../agents/knowledge/index.ts";
import { createModel, type ModelInfo } from "../../agents/models/index.ts";
import { BUILTIN_PACKS_DIR, loadPacks, type Pack } from "../../agents/packs/index.ts";
import { foldLegacyLessons, lessonsNamespace, reviseLesson, validateDecision, type LessonRevision } from "../../graphs/index.ts";
import { LOCAL_PRINCIPAL, requireRole } from "../auth/index.ts";
import { DecisionSchema, DEFAULT_TENANT, StartRunSchema } from "../contract/index.ts";
import type {
  Approval,
  ApprovalStatus,
  AuditEntry,
  DecisionChannel,
  Lesson,
  PackSummary,
  Principal,
  Run,
  RunEvent,
  RunStatus,
  TokenDelta,
} from "../contract/index.ts";
import { ApprovalDeadlines } from "./approval-deadlines.ts";
import { checkAuthority } from "./authority.ts";
import { auditOfDecision, auditSubject } from "./audit/index.ts";
import { RuntimeBus } from "./bus.ts";
import { buildEngines, engineOf, type ModelFactory, type PackEngine } from "./engine.ts";
import { RunExecutor } from "./executor.ts";
import { checkModelOverrides, defaultMaxActiveRuns, type RuntimeOptions, type StartRunOptions } from "./runtime-options.ts";
import { EventFeed } from "./feed.ts";
import { prune, pruneOnSchedule, type Pruned, type RetentionPolicy } from "./retention.ts";
import { RunFollowers, type Following } from "./run-subscription.ts";
import type { ApprovalRecord, DeliveryRecord, RunRecord, RunStore } from "./runs/index.ts";
import { openStorage, type Storage, type StorageKind } from "./storage/index.ts";
import { STATUS_OF_DECISION } from "../../graphs/vocabulary.ts";
import { approvalView, lessonView, packView, runView } from "./views.ts";
import { parseInput } from "./validation.ts";
import { WebhookDispatcher, Webhooks } from "./webhooks/index.ts";

/** An `Idempotency-Key` as stored: the default tenant's as given (as before tenants), another's after its tenant and a space, which no key holds. */
const scopedKey = (tenant: string, key: string): string => (tenant === DEFAULT_TENANT ? key : `${tenant} ${key}`);

/** How many approvals a page holds when the caller does not say. */
const DEFAULT_PAGE = 100;

/** How long an `Idempotency-Key` gives back its run; after that it may start a new one. */
const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60 * 1000;

/** JSON with object keys sorted, so that the same value always hashes the same. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/**
 * The one place that knows persistence and events: creates runs, executes their graphs in the
 * background, stores every event before telling anyone, and resolves approvals exactly once.
 * A paused run lives only in the database; any runtime opened on the same data directory can
 * answer it, and runs left running by a dead process are resumed from their last checkpoint.
 */
export class Runtime {
  private readonly store: RunStore;
  private readonly followers: RunFollowers;
  private readonly executor: RunExecutor;
  private readonly deadlines: ApprovalDeadlines;
  private readonly stopListening: () => void;
  private readonly pruneTimer: NodeJS.Timeout | undefined;
  private readonly retention: RetentionPolicy;
  private closed = false;
  private readonly failpoint: Failpoint;
  /** The tenants' webhooks; the dispatcher sends their outbox. */
  readonly webhooks: Webhooks;
  private readonly dispatcher: WebhookDispatcher;

  private constructor(
    private readonly storage: Storage,
    readonly bus: RuntimeBus,
    private readonly feed: EventFeed,
    private readonly engines: Map<string, PackEngine>,
    readonly model: ModelInfo,
    private readonly log: Logger,
    options: RuntimeOptions,
  ) {
    this.store = storage.runs;
    this.failpoint = options.failpoint ?? noFailpoint;
    this.followers = new RunFollowers(this.store, this.bus);
    const leaseMs = options.leaseMs ?? 15_000;
    this.executor = new RunExecutor(
      { store: this.store, checkpoints: storage.checkpoints, engines, bus: this.bus, feed, log },
      {
        leaseMs,
        sweepMs: options.sweepMs ?? Math.min(5_000, leaseMs),
        maxActiveRuns: options.maxActiveRuns ?? defaultMaxActiveRuns(options.models),
      },
    );
    this.deadlines = new ApprovalDeadlines(
      this.store,
      feed,
      (runId) => this.executor.schedule(runId),
      log,
      options.approvalCheckMs ?? 1000,
    );
    this.retention = options.retention ?? {};
    this.webhooks = new Webhooks(this.store, options.webhooks?.allowPrivate === true);
    this.dispatcher = new WebhookDispatcher(this.store, (delivery) => this.describeDelivery(delivery), log, options.webhooks);
    // Deliveries are written with the events that call for them: this process's are sent at once.
    bus.on("event", (event) => {
      if (event.type.startsWith("run.") || event.type.startsWith("approval.")) this.dispatcher.kick();
    });
    this.pruneTimer = pruneOnSchedule(this.store, storage.checkpoints, this.retention, log);
    // Other processes sharing the database tell of events they stored and runs with work.
    this.stopListening = storage.listen({
      events: () => void feed.catchUp().catch((error: unknown) => log.warn({ err: error }, "could not read new events; trying again")),
      work: (runId) => this.executor.schedule(runId, { persist: false }),
      resync: () => {
        void feed.catchUp().catch(() => undefined);
        void this.executor.sweep().catch(() => undefined);
      },
    });
  }

  /** Opens the storage (the data directory, or the database the options name), loads the packs and resumes any run that needs an owner. */
  static async open(options: RuntimeOptions): Promise<Runtime> {
    const log = options.logger ?? pino({ level: "silent" });
    const packs: Pack[] = await loadPacks(options.packDirs ?? [BUILTIN_PACKS_DIR]);
    const makeModel: ModelFactory = options.modelFactory ?? ((profile, role) => createModel(profile, options.models, role));
    checkModelOverrides(options.models, packs);
    if (options.embedder) {
      const report = await embedKnowledge(
        packs.flatMap((p) => p.specialists.map((s) => s.knowledge)),
        options.embedder,
        options.embeddingsCacheDir ?? path.join(options.dataDir, "embeddings"),
      );
      log.info({ embedder: options.embedder.id, ...report }, "passages embedded: retrieval is hybrid");
    }
    const bus = new RuntimeBus();
    const retry = { onRetry: (error: unknown) => bus.emit("storageRetry", { error }) };
    const storage = await openStorage({
      dataDir: options.dataDir,
      databaseUrl: options.databaseUrl,
      log,
      retry: { ...options.storageRetry, ...retry },
    });
    try {
      const folded = await foldLegacyLessons(storage.memory);
      if (folded > 0) log.info({ folded }, "lessons stored before scopes folded into one item each");
      const engines = await buildEngines(packs, storage, makeModel, options.failpoint ?? noFailpoint, { ...options.mcp, log });
      // What /api/health names: the model of the default pack's supervisor, which names its runs.
      const model = engines.values().next().value!.model;
      const feed = await EventFeed.open(storage.runs, bus, options.feedPollMs ?? (storage.signalled ? 1000 : 250), log);
      const runtime = new Runtime(storage, bus, feed, engines, model, log, options);
      await runtime.executor.sweep();
      // Approvals that fell due while no server ran get the policy's fallback now.
      await runtime.deadlines.check();
      return runtime;
    } catch (error) {
      await storage.close();
      throw error;
    }
  }

  /** The storage kind, for /api/health. */
  get storageKind(): { kind: StorageKind } {
    return { kind: this.storage.kind };
  }

  listPacks(): PackSummary[] {
    return [...this.engines.values()].map(packView);
  }

  /** A pack's state machine as a Mermaid flowchart (LangGraph draws it). */
  async packGraph(packId: string): Promise<string> {
    const engine = this.engines.get(packId);
    if (!engine) throw new GuildError("not_found", `no pack '${packId}'`);
    const drawing = await engine.graph.getGraphAsync();
    return drawing.drawMermaid();
  }

  /** The compiled graph of a pack, for inspecting runs' checkpointed state. */
  graphOf(packId: string) {
    return this.engine(packId).graph;
  }

  /** The back-end of a pack, for inspecting effects. */
  backendOf(packId: string) {
    return this.engine(packId).backend;
  }

  /**
   * Creates a run and starts it in the background. With an idempotency key, a repeated request
   * (even a concurrent one, from any process) gets the run the first one created.
   * @example runtime.startRun({ task: "Settle claim CLM-1001" }, { idempotencyKey: "job-42" })
   */
  async startRun(input: unknown, options: StartRunOptions = {}): Promise<Run> {
    return (await this.start(input, options)).run;
  }

  /** `startRun`, with the id and secret of the run's own webhook when the request names one (the first request only). */
  async start(input: unknown, options: StartRunOptions = {}): Promise<{ run: Run; webhook?: { id: string; secret: string } }> {
    const who = options.principal ?? LOCAL_PRINCIPAL;
    const request = parseInput(StartRunSchema, input, "invalid run");
    const { task, metadata, webhook } = request;
    if (webhook) await this.webhooks.checkRunWebhook(webhook);
    const packId = request.pack ?? this.engines.keys().next().value!;
    const engine = this.packEngine(packId, "pack");
    const { idempotencyKey } = options;
    const planApproval = request.options?.planApproval ?? engine.pack.planApproval;
    // The request as it takes effect: an omitted pack and the default pack named are the same request.
    const requestHash = createHash("sha256")
      .update(canonicalJson({ task, pack: packId, planApproval, metadata: metadata ?? null, ...(webhook ? { webhook } : {}) }))
      .digest("hex");
    const created = await this.store.transaction(async (tx) => {
      const earlier = idempotencyKey ? await tx.findIdempotencyKey(scopedKey(who.tenant, idempotencyKey)) : undefined;
      if (earlier && Date.now() - Date.parse(earlier.createdAt) < IDEMPOTENCY_KEY_TTL_MS) {
        if (earlier.requestHash !== requestHash) {
          throw new GuildError("not_allowed", "this Idempotency-Key was used for a different request", {
            details: { field: "Idempotency-Key", runId: earlier.runId },
          });
        }
        return { id: earlier.runId, isNew: false, hook: undefined };
      }
      const id = `run_${randomUUID().replace(/-/g, "").slice(0, 20)}`;
      await tx.createRun({
        id,
        status: "queued",
        task,
        pack: packId,
        tenant: who.tenant,
        createdBy: who.id,
        planApproval,
        ...(metadata ? { metadata } : {}),
        model: engine.model,
      });
      if (idempotencyKey) await tx.saveIdempotencyKey(scopedKey(who.tenant, idempotencyKey), requestHash, id);
      const hook = webhook ? await this.webhooks.createForRun(tx, webhook, id, who) : undefined;
      await tx.appendEvent(id, "run.created", { task, pack: packId, planApproval, model: engine.model });
      return { id, isNew: true, hook };
    });
    if (created.isNew) {
      await this.feed.catchUp();
      this.executor.schedule(created.id);
    }
    const run = await this.getRun(created.id, who);
    return created.hook ? { run, webhook: created.hook } : { run };
  }

  /** The `data` of a webhook message: the run's view, or the approval's. */
  private async describeDelivery(delivery: DeliveryRecord): Promise<unknown> {
    if (delivery.approvalId) {
      const record = await this.store.getApproval(delivery.approvalId);
      if (record) return approvalView(record);
    }
    const run = await this.store.getRun(delivery.runId);
    return run ? runView(run, await this.store.listApprovals({ runId: run.id, status: "pending" })) : { runId: delivery.runId };
  }

  /** A run of the principal's tenant; another tenant's is `not_found`, as if it did not exist. */
  async getRun(id: string, who: Principal = LOCAL_PRINCIPAL): Promise<Run> {
    const record = await this.runOf(id, who);
    return runView(record, await this.store.listApprovals({ runId: id, status: "pending" }));
  }

  /** The principal's tenant's runs, newest first. */
  async listRuns(filter: { status?: RunStatus; limit?: number } = {}, who: Principal = LOCAL_PRINCIPAL): Promise<Run[]> {
    const runs = await this.store.listRuns({ ...filter, tenant: who.tenant, limit: filter.limit ?? 50 });
    // The pending approvals of every listed run in one read, not one read per run.
    const pending = await this.store.listApprovals({ runIds: runs.map((r) => r.id), status: "pending" });
    return runs.map((r) =>
      runView(
        r,
        pending.filter((a) => a.runId === r.id),
      ),
    );
  }

  async listEvents(runId: string, afterSeq = 0, limit?: number, who: Principal = LOCAL_PRINCIPAL): Promise<RunEvent[]> {
    await this.runOf(runId, who);
    return this.store.listEvents(runId, afterSeq, limit);
  }

  /**
   * Sends the run's events after `afterSeq`, then every later one as it is stored, each seq once
   * and in order, whichever process stores it; until `stop`. Resolves once the replay is sent.
   * @example const { lastSeq, stop } = await runtime.follow(runId, lastSeen, (event) => socket.emit("run:event", event));
   */
  async follow(runId: string, afterSeq: number, send: (event: RunEvent) => void, who: Principal = LOCAL_PRINCIPAL): Promise<Following> {
    await this.runOf(runId, who);
    const lastSeq = await this.store.lastSeq(runId);
    if (afterSeq > lastSeq) {
      throw new GuildError("invalid_input", `afterSeq: the run's log ends at seq ${lastSeq}`, { details: { field: "afterSeq", lastSeq } });
    }
    return this.followers.follow(runId, afterSeq, send);
  }

  /** Approvals of the principal's tenant's runs (pending by default), oldest first. */
  async listApprovals(filter: { status?: ApprovalStatus; runId?: string } = {}, who: Principal = LOCAL_PRINCIPAL): Promise<Approval[]> {
    const records = await this.store.listApprovals({
      status: filter.status ?? "pending",
      tenant: who.tenant,
      ...(filter.runId ? { runId: filter.runId } : {}),
    });
    return records.map(approvalView);
  }

  /**
   * A page of the principal's tenant's approvals (pending by default), oldest first: at most
   * `limit` (100 by default), after `cursor`; `nextCursor` reads the next page when there is one.
   * @example const { approvals, nextCursor } = await runtime.pageApprovals({ limit: 20 }, principal);
   */
  async pageApprovals(
    filter: { status?: ApprovalStatus; runId?: string; limit?: number; cursor?: string } = {},
    who: Principal = LOCAL_PRINCIPAL,
  ): Promise<{ approvals: Approval[]; nextCursor?: string }> {
    const limit = filter.limit ?? DEFAULT_PAGE;
    const after = filter.cursor === undefined ? undefined : Buffer.from(filter.cursor, "base64url").toString("utf8");
    if (after !== undefined) {
      const known = await this.store.getApproval(after);
      const run = known && (await this.store.getRun(known.runId));
      if (!run || run.tenant !== who.tenant)
        throw new GuildError("invalid_input", "cursor: not a nextCursor of this list", { details: { field: "cursor" } });
    }
    const records = await this.store.listApprovals({
      status: filter.status ?? "pending",
      tenant: who.tenant,
      limit: limit + 1,
      ...(filter.runId ? { runId: filter.runId } : {}),
      ...(after !== undefined ? { after } : {}),
    });
    const page = records.slice(0, limit).map(approvalView);
    return records.length > limit
      ? { approvals: page, nextCursor: Buffer.from(page.at(-1)!.id).toString("base64url") }
      : { approvals: page };
  }

  async getApproval(id: string, who: Principal = LOCAL_PRINCIPAL): Promise<Approval> {
    return approvalView((await this.approvalOf(id, who)).record);
  }

  /**
   * Resolves a pending approval exactly once (compare-and-set), then resumes its run in the
   * background, in this process or, if another holds the run, in that one. A second decision on
   * the same approval is a conflict.
   * @example await runtime.decide(approval.id, { type: "edit", args: { ...approval.action.args, amount: 3000 } });
   */
  async decide(approvalId: string, input: unknown, options: { via?: DecisionChannel; principal?: Principal } = {}): Promise<Approval> {
    const who = options.principal ?? LOCAL_PRINCIPAL;
    const asked = parseInput(DecisionSchema, input, "invalid decision");
    const { record, run } = await this.approvalOf(approvalId, who);
    if (record.status !== "pending") {
      throw new GuildError("conflict", `approval ${approvalId} is no longer pending: it was ${record.status}`, {
        details: { status: record.status },
      });
    }
    requireRole(who, "reviewer", "decide approvals");
    const engine = this.engine(run.pack);
    const action = record.request.action_request.action;
    // Edited arguments are checked against the tool's schema; an MCP tool's comes from its server.
    const called = asked.type === "edit" && record.request.guild.kind === "tool_call" ? await engine.tools.find(action) : undefined;
    if (asked.type === "edit" && record.request.guild.kind === "tool_call" && !called) {
      throw new GuildError(
        "not_allowed",
        `the edited arguments cannot be checked now: the MCP server of ${action} cannot be reached; approve, reject or send feedback instead`,
      );
    }
    // An authenticated reviewer is who the key or token says, whatever the body names.
    const decision = { ...validateDecision(engine.pack, record.request, asked, called), ...(who.verified ? { reviewer: who.name } : {}) };
    await checkAuthority(this.store, record, run, who, decision);
    const by = who.verified
      ? { reviewer: who.name, reviewerId: who.id, reviewerVerified: true }
      : { ...(decision.reviewer ? { reviewer: decision.reviewer } : {}), reviewerVerified: false };
    const status = STATUS_OF_DECISION[decision.type];
    const resolved = await this.store.transaction(async (tx) => {
      const at = new Date().toISOString();
      if (!(await tx.decideApproval(approvalId, status, decision, at))) return false;
      await tx.appendEvent(run.id, "approval.resolved", { approvalId, kind: record.request.guild.kind, status, decision, ...by });
      await tx.appendAudit({
        ...auditSubject(record),
        ...auditOfDecision(record, decision),
        ...by,
        event: "decided",
        status,
        via: options.via ?? "api",
        at,
      });
      return true;
    });
    if (!resolved) {
      const now = (await this.store.getApproval(approvalId))!;
      const why = now.status === "pending" ? `its run is ${(await this.store.getRun(run.id))!.status}` : `it was ${now.status}`;
      throw new GuildError("conflict", `approval ${approvalId} is no longer pending: ${why}`, { details: { status: now.status } });
    }
    await this.feed.catchUp();
    this.bus.emit("decided", { kind: record.request.guild.kind, waitedMs: Date.now() - Date.parse(record.createdAt) });
    this.failpoint("decision.stored");
    this.executor.schedule(run.id);
    return this.getApproval(approvalId, who);
  }

  /**
   * Lessons reviewers taught, newest first, across the loaded packs (or one), for one specialist or all.
   * @example await runtime.listLessons({ specialist: "payments_officer" })
   */
  async listLessons(
    filter: { pack?: string; specialist?: string; limit?: number } = {},
    who: Principal = LOCAL_PRINCIPAL,
  ): Promise<Lesson[]> {
    const packs = filter.pack ? [this.packEngine(filter.pack, "pack")] : [...this.engines.values()];
    const lessons: Lesson[] = [];
    for (const { pack, memory } of packs) {
      const items = await memory.search(lessonsNamespace(pack.id, who.tenant), {
        limit: 10_000,
        ...(filter.specialist ? { filter: { specialist: filter.specialist } } : {}),
      });
      lessons.push(...items.map((item) => lessonView(pack.id, item)));
    }
    return lessons.sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : 0)).slice(0, filter.limit ?? 100);
  }

  /** Forgets a lesson: later runs no longer recall it. */
  async deleteLesson(id: string, who: Principal = LOCAL_PRINCIPAL): Promise<Lesson> {
    const { pack, memory, namespace, item } = await this.lessonOf(id, who);
    await memory.delete(namespace, id);
    this.log.info({ lessonId: id, pack: pack.id }, "lesson deleted");
    return lessonView(pack.id, item);
  }

  /**
   * Edits a lesson's words or scope; later runs recall it as edited, and teaching it again keeps the edit.
   * @example await runtime.reviseLesson(id, { scope: "general" })
   */
  async reviseLesson(id: string, revision: LessonRevision, who: Principal = LOCAL_PRINCIPAL): Promise<Lesson> {
    const { pack, memory, namespace } = await this.lessonOf(id, who);
    const revised = await reviseLesson(memory, namespace, id, revision);
    // Forgotten meanwhile, by someone else.
    if (!revised) throw new GuildError("not_found", `no lesson '${id}'`);
    this.log.info({ lessonId: id, pack: pack.id, changed: Object.keys(revision) }, "lesson edited");
    return lessonView(pack.id, revised);
  }

  /** A lesson of the caller's tenant, in whichever loaded pack holds it. */
  private async lessonOf(id: string, who: Principal): Promise<PackEngine & { namespace: string[]; item: Item }> {
    for (const engine of this.engines.values()) {
      const namespace = lessonsNamespace(engine.pack.id, who.tenant);
      const item = await engine.memory.get(namespace, id);
      if (item) return { ...engine, namespace, item };
    }
    throw new GuildError("not_found", `no lesson '${id}'`);
  }

  /** Every change of the run's approvals, oldest first: decisions, expiries and escalations. */
  async auditTrail(runId: string, who: Principal = LOCAL_PRINCIPAL): Promise<AuditEntry[]> {
    await this.runOf(runId, who);
    return this.store.auditTrail(runId);
  }

  /** Stops a run at its next step; its pending approvals expire. */
  async cancel(runId: string, who: Principal = LOCAL_PRINCIPAL): Promise<Run> {
    await this.runOf(runId, who);
    const usage = await this.executor.wrapUp(runId);
    const cancelled = await this.executor.finish(runId, { status: "cancelled", ...(usage ? { usage } : {}) }, "run.cancelled", {});
    if (!cancelled) {
      const status = (await this.store.getRun(runId))!.status;
      throw new GuildError("conflict", `run ${runId} has already ${status === "cancelled" ? "been cancelled" : status}`);
    }
    this.executor.stop(runId, new GuildError("cancelled", "the run was cancelled"));
    await this.executor.idle(runId);
    return this.getRun(runId, who);
  }

  /**
   * Deletes the events and checkpoints of runs finished longer ago than the retention (and their
   * audit trail past the audit's retention, if one is set); `historyMs` overrides the configured one.
   */
  prune(policy: RetentionPolicy = this.retention, now = Date.now()): Promise<Pruned> {
    return prune(this.store, this.storage.checkpoints, policy, now);
  }

  /** How many runs there are of each status, and pending approvals of each kind, in all processes. */
  counts(): ReturnType<RunStore["counts"]> {
    return this.store.counts();
  }

  /** How many runs this process executes now, how many wait for a slot, and the cap. */
  get load(): { active: number; queued: number; maxActiveRuns: number } {
    const { admission } = this.executor;
    return { active: admission.active, queued: admission.queued, maxActiveRuns: admission.capacity };
  }

  /** Resolves when the run has nothing left to do in this process: paused, finished, or owned elsewhere. */
  async waitForRun(runId: string, who: Principal = LOCAL_PRINCIPAL): Promise<Run> {
    await this.getRun(runId, who);
    await this.executor.idle(runId);
    return this.getRun(runId, who);
  }

  /** Live tokens of every run in this process. */
  onToken(listener: (token: TokenDelta) => void): () => void {
    return this.bus.on("token", listener);
  }

  /**
   * Every stored event of every run, once each and in the order stored, after it is stored: at
   * once for this process's events, within `feedPollMs` for other processes'.
   */
  onEvent(listener: (event: RunEvent) => void): () => void {
    return this.bus.on("event", listener);
  }

  /**
   * Stops executing: nothing new starts, and runs under way get `graceMs` to reach a pause or their
   * end (their events are still stored and told); the rest stop and resume from their last
   * checkpoint on the next open. The runtime still answers reads until `close`.
   */
  async drain(options: { graceMs?: number } = {}): Promise<void> {
    await this.executor.close(options.graceMs ?? 0);
  }

  /** Stops executing at once (see `drain`), then closes the databases. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopListening();
    await this.dispatcher.close();
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    await this.executor.close(0);
    this.deadlines.close();
    this.feed.close();
    this.followers.close();
    await Promise.all([...this.engines.values()].map((engine) => engine.tools.close()));
    await this.storage.close();
  }

  /** The run, when it is the principal's tenant's; `not_found` otherwise, so another tenant's ids say nothing. */
  private async runOf(id: string, who: Principal): Promise<RunRecord> {
    const run = await this.store.getRun(id);
    if (!run || run.tenant !== who.tenant) throw new GuildError("not_found", `no run '${id}'`);
    return run;
  }

  /** The approval and its run, when the run is the principal's tenant's; `not_found` otherwise. */
  private async approvalOf(id: string, who: Principal): Promise<{ record: ApprovalRecord; run: RunRecord }> {
    const record = await this.store.getApproval(id);
    const run = record ? await this.store.getRun(record.runId) : undefined;
    if (!record || !run || run.tenant !== who.tenant) throw new GuildError("not_found", `no approval '${id}'`);
    return { record, run };
  }

  private engine(packId: string): PackEngine {
    return engineOf(this.engines, packId);
  }

  /** The engine of a pack a client named; an unknown one is the client's mistake, in `field`. */
  private packEngine(packId: string, field: string): PackEngine {
    const engine = this.engines.get(packId);
    if (!engine)
      throw new GuildError("invalid_input", `unknown pack '${packId}'; known packs: ${[...this.engines.keys()].join(", ")}`, {
        details: { field },
      });
    return engine;
  }
}
