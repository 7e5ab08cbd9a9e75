/**
 * One node under load (issue: lean checkpoints, fair admission). Each figure beside its baseline:
 *
 * 1. CPU per demo run: a `guild serve` child process (compiled, SQLite) running the demo over REST,
 *    its own CPU read from /metrics, against a bare LangGraph graph of the same shape (as many
 *    super-steps, two interrupts and resumes, SqliteSaver) invoked in this process.
 * 2. Checkpoint reads per run (getTuple), Guild's graph against the bare graph.
 * 3. Bytes stored per paused and per finished run: checkpoints, pending writes, events, approvals,
 *    audit, the run row; against the bare graph's checkpoints.
 * 4. With 200 runs in flight: GET /api/health p99 and decision-to-next-event p99, against 1 run alone.
 * 5. A burst of 50 runs posted at once: first-approval p95 against its p50.
 * 6. Runs per second with 1, 10 and 50 in flight.
 *
 *   npm run bench:load [-- --inflight 200 --burst 50]
 */
import { once } from "node:events";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { Annotation, Command, END, interrupt, START, StateGraph } from "@langchain/langgraph";
import { SqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";
import { pino } from "pino";
import type { Approval, Run, RunEvent } from "../server/contract/index.ts";
import { Runtime } from "../server/runtime/index.ts";
import { serve } from "../test/support/cli.ts";
import { connectSocket, DEMO_TASK, ms, percentile, post, tempDir, type Client } from "./support.ts";

const arg = (name: string, fallback: number) => Number(process.argv[process.argv.indexOf(`--${name}`) + 1]) || fallback;
const IN_FLIGHT = arg("inflight", 200);
const BURST = arg("burst", 50);
const CPU_RUNS = arg("cpu-runs", 20);

const sorted = (values: readonly number[]) => [...values].sort((a, b) => a - b);
const p = (values: readonly number[], q: number) => percentile(sorted(values), q);

// ---- the bare graph: as many super-steps as the demo, two interrupts, nothing else -------------

/** A graph of `steps` no-op super-steps, with an interrupt a third and two thirds of the way. */
function bareGraph(steps: number, checkpointer: SqliteSaver) {
  const State = Annotation.Root({ n: Annotation<number>({ reducer: (_, b) => b, default: () => 0 }) });
  let graph = new StateGraph(State) as unknown as StateGraph<typeof State.spec, any, any, string>;
  const asks = new Set([Math.floor(steps / 3), Math.floor((2 * steps) / 3)]);
  for (let i = 0; i < steps; i += 1) {
    graph = graph.addNode(`s${i}`, (state: { n: number }) => {
      if (asks.has(i)) interrupt({ step: i });
      return { n: state.n + 1 };
    }) as never;
  }
  graph = graph.addEdge(START, "s0") as never;
  for (let i = 1; i < steps; i += 1) graph = graph.addEdge(`s${i - 1}`, `s${i}`) as never;
  graph = graph.addEdge(`s${steps - 1}`, END) as never;
  return graph.compile({ checkpointer });
}

async function runBare(graph: ReturnType<typeof bareGraph>, threadId: string): Promise<void> {
  const config = { configurable: { thread_id: threadId } };
  let state: any = await graph.invoke({ n: 0 }, config);
  while (state.__interrupt__?.length) state = await graph.invoke(new Command({ resume: true }), config);
}

/** Counts a saver's reads of checkpoints. */
function countReads(saver: SqliteSaver): { reads: () => number } {
  let reads = 0;
  const original = saver.getTuple.bind(saver);
  saver.getTuple = (config) => {
    reads += 1;
    return original(config);
  };
  return { reads: () => reads };
}

const payloadBytes = (db: Database.Database, sql: string): number => (db.prepare(sql).pluck().get() as number | null) ?? 0;

/** Bytes of what the embedded storage keeps for one run, by table. */
function bytesOfRun(dataDir: string, runId: string): number {
  const db = new Database(path.join(dataDir, "guild.sqlite"), { readonly: true });
  try {
    const one = (sql: string) => payloadBytes(db, sql.replaceAll("$run", `'${runId}'`));
    return (
      one("SELECT SUM(LENGTH(checkpoint) + LENGTH(metadata)) FROM checkpoints WHERE thread_id = $run") +
      one("SELECT SUM(LENGTH(value)) FROM writes WHERE thread_id = $run") +
      one("SELECT SUM(LENGTH(data) + LENGTH(type) + 40) FROM events WHERE run_id = $run") +
      one("SELECT SUM(LENGTH(request) + COALESCE(LENGTH(decision), 0) + 80) FROM approvals WHERE run_id = $run") +
      one(
        "SELECT SUM(LENGTH(args_before) + COALESCE(LENGTH(args_after), 0) + COALESCE(LENGTH(message), 0) + 80) FROM audit WHERE run_id = $run",
      ) +
      one(
        "SELECT SUM(LENGTH(task) + COALESCE(LENGTH(result), 0) + COALESCE(LENGTH(usage), 0) + LENGTH(model) + 100) FROM runs WHERE id = $run",
      )
    );
  } finally {
    db.close();
  }
}

async function inProcessFigures() {
  // Guild's own graph, in a runtime on SQLite: reads per run, bytes paused and finished.
  const data = tempDir("lean");
  let reads = 0;
  const original = SqliteSaver.prototype.getTuple;
  SqliteSaver.prototype.getTuple = function (this: SqliteSaver, config) {
    reads += 1;
    return original.call(this, config);
  };
  const runtime = await Runtime.open({
    dataDir: data.dir,
    models: { defaultModel: "offline" },
    sweepMs: 0,
    logger: pino({ level: "silent" }),
  });
  const started = await runtime.startRun({ task: DEMO_TASK });
  let run = await runtime.waitForRun(started.id);
  const pausedBytes = bytesOfRun(data.dir, run.id);
  while (run.status === "awaiting_approval") {
    for (const a of run.pendingApprovals) await runtime.decide(a.id, { type: "approve" });
    run = await runtime.waitForRun(run.id);
  }
  const guildReads = reads;
  const finishedBytes = bytesOfRun(data.dir, run.id);
  const steps = (await runtime.listEvents(run.id)).length;
  await runtime.close();
  SqliteSaver.prototype.getTuple = original;
  data.remove();

  // The bare graph, 33 super-steps as the demo takes.
  const bare = tempDir("bare");
  const db = new Database(path.join(bare.dir, "bare.sqlite"));
  const saver = new SqliteSaver(db);
  const counted = countReads(saver);
  const graph = bareGraph(33, saver);
  await runBare(graph, "bare-0");
  const bareReads = counted.reads();
  const bareBytes =
    payloadBytes(db, "SELECT SUM(LENGTH(checkpoint) + LENGTH(metadata)) FROM checkpoints") +
    payloadBytes(db, "SELECT SUM(LENGTH(value)) FROM writes");
  // CPU of the bare graph, per run, in this process.
  for (let i = 0; i < 3; i += 1) await runBare(graph, `warm-${i}`);
  const cpu = process.cpuUsage();
  for (let i = 0; i < CPU_RUNS; i += 1) await runBare(graph, `cpu-${i}`);
  const used = process.cpuUsage(cpu);
  db.close();
  bare.remove();
  return {
    guildReads,
    bareReads,
    pausedBytes,
    finishedBytes,
    bareBytes,
    bareCpuMs: (used.user + used.system) / 1000 / CPU_RUNS,
    events: steps,
    status: run.status,
  };
}

// ---- a guild serve child process under load ----------------------------------------------------

interface Node {
  url: string;
  close(): Promise<void>;
}

async function startNode(): Promise<Node> {
  const data = tempDir("load");
  const served = await serve({ GUILD_DATA_DIR: data.dir, LOG_LEVEL: "warn" });
  return {
    url: served.url,
    async close() {
      const closed = once(served.child, "close");
      served.child.kill("SIGTERM");
      await closed;
      data.remove();
    },
  };
}

/** The server process's CPU seconds so far, from its own metrics. */
async function serverCpuSeconds(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/^guild_process_cpu_seconds_total\{[^}]*\} (\S+)$/m.exec(text)![1]);
}

/**
 * Drives runs of the demo on a node: every approval is approved over REST as soon as the socket
 * tells of it. Records, per run, when it was posted, when its first approval was asked, when it
 * ended, and each decision's latency to the run's next event.
 */
/** Enough sockets for 200 runs in flight under the gateway's 100 followed runs per socket. */
const SOCKETS = 4;

class Driver {
  readonly posted = new Map<string, number>();
  readonly firstApproval = new Map<string, number>();
  readonly ended = new Map<string, () => void>();
  readonly decisionLatencies: number[] = [];
  private readonly decidedAt = new Map<string, number>();

  /** Runs posted so far: run i follows on socket i mod the pool's size. */
  private posts = 0;

  private constructor(
    private readonly url: string,
    private readonly sockets: { socket: Client; subscribing: Promise<unknown> }[],
  ) {
    for (const { socket } of sockets) socket.on("run:event", (event: RunEvent) => this.onEvent(event));
  }

  /**
   * A socket follows at most 100 runs and replays a few subscriptions at once (the gateway's
   * limits), as a reviewer's page would: the driver spreads its runs over a pool of sockets and
   * subscribes one at a time on each.
   */
  static async open(url: string, sockets = SOCKETS): Promise<Driver> {
    return new Driver(
      url,
      await Promise.all(
        Array.from({ length: sockets }, async () => ({
          socket: await connectSocket(url),
          subscribing: Promise.resolve() as Promise<unknown>,
        })),
      ),
    );
  }

  /** Posts a run and resolves when it has ended. */
  async run(): Promise<void> {
    const at = performance.now();
    const { run } = (await post(`${this.url}/api/runs`, { task: DEMO_TASK })) as { run: Run };
    this.posted.set(run.id, at);
    const done = new Promise<void>((resolve) => this.ended.set(run.id, resolve));
    const pooled = this.sockets[this.posts++ % this.sockets.length]!;
    const subscribed = pooled.subscribing.then(() => pooled.socket.emitWithAck("run:subscribe", { runId: run.id }));
    pooled.subscribing = subscribed.catch(() => undefined);
    const ack = (await subscribed) as { ok: boolean; error?: { message: string } };
    if (!ack.ok) throw new Error(`run:subscribe refused: ${ack.error?.message}`);
    await done;
    await pooled.socket.emitWithAck("run:unsubscribe", { runId: run.id });
  }

  close(): void {
    for (const { socket } of this.sockets) socket.disconnect();
  }

  private onEvent(event: RunEvent): void {
    const decided = this.decidedAt.get(event.runId);
    if (decided !== undefined && event.type !== "approval.resolved") {
      this.decisionLatencies.push(performance.now() - decided);
      this.decidedAt.delete(event.runId);
    }
    if (event.type === "approval.requested") {
      if (!this.firstApproval.has(event.runId)) this.firstApproval.set(event.runId, performance.now());
      const approval = event.data.approval as Approval;
      this.decidedAt.set(event.runId, performance.now());
      void post(`${this.url}/api/approvals/${approval.id}/decision`, { type: "approve" }).catch(() => undefined);
    }
    if (["run.completed", "run.failed", "run.cancelled"].includes(event.type)) this.ended.get(event.runId)?.();
  }
}

/** Health latencies while `work` runs, polled every 20 ms. */
async function healthDuring(url: string, work: Promise<unknown>): Promise<number[]> {
  const latencies: number[] = [];
  let done = false;
  void work.finally(() => (done = true));
  while (!done) {
    const asked = performance.now();
    await fetch(`${url}/api/health`).then((r) => r.text());
    latencies.push(performance.now() - asked);
    await new Promise((r) => setTimeout(r, 20));
  }
  await work;
  return latencies;
}

async function inFlight(count: number) {
  const node = await startNode();
  const driver = await Driver.open(node.url);
  try {
    const started = performance.now();
    const health = await healthDuring(node.url, Promise.all(Array.from({ length: count }, () => driver.run())));
    return { health, decisions: driver.decisionLatencies, wallMs: performance.now() - started };
  } finally {
    driver.close();
    await node.close();
  }
}

async function burst(count: number) {
  const node = await startNode();
  const driver = await Driver.open(node.url);
  try {
    await Promise.all(Array.from({ length: count }, () => driver.run()));
    return [...driver.firstApproval].map(([runId, at]) => at - driver.posted.get(runId)!);
  } finally {
    driver.close();
    await node.close();
  }
}

async function throughput(concurrency: number, runs: number) {
  const node = await startNode();
  const driver = await Driver.open(node.url);
  try {
    let left = runs;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (left > 0) {
          left -= 1;
          await driver.run();
        }
      }),
    );
    return (runs * 1000) / (performance.now() - started);
  } finally {
    driver.close();
    await node.close();
  }
}

async function serverCpuPerRun() {
  const node = await startNode();
  const driver = await Driver.open(node.url);
  try {
    for (let i = 0; i < 3; i += 1) await driver.run();
    const before = await serverCpuSeconds(node.url);
    for (let i = 0; i < CPU_RUNS; i += 1) await driver.run();
    return (((await serverCpuSeconds(node.url)) - before) * 1000) / CPU_RUNS;
  } finally {
    driver.close();
    await node.close();
  }
}

// ---- report ------------------------------------------------------------------------------------

const line = (label: string, value: string, baseline: string, note = "") =>
  console.log(`${label.padEnd(46)}${value.padStart(16)}${baseline.padStart(16)}  ${note}`);
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;

console.log(
  `Guild under load: the demo task (offline model, SQLite, 2 approvals each); ${os.cpus().length} cores, Node ${process.version}`,
);
console.log(`${"".padEnd(46)}${"Guild".padStart(16)}${"baseline".padStart(16)}  goal`);
const lean = await inProcessFigures();
const cpu = await serverCpuPerRun();
line("CPU per run (server process / bare graph)", ms(cpu), ms(lean.bareCpuMs), `${(cpu / lean.bareCpuMs).toFixed(2)}x (goal: within 1.5x)`);
line("checkpoint reads per run", String(lean.guildReads), String(lean.bareReads));
line("bytes stored, paused at the first approval", kb(lean.pausedBytes), "");
line("bytes stored, finished", kb(lean.finishedBytes), kb(lean.bareBytes), "goal: at most 30 kB; baseline: the bare graph's checkpoints");
const alone = await inFlight(1);
const loaded = await inFlight(IN_FLIGHT);
line(`GET /api/health p99, ${IN_FLIGHT} runs in flight`, ms(p(loaded.health, 99)), ms(p(alone.health, 99)), "goal: 50 ms; baseline: 1 run");
line(
  `decision to next event p99, ${IN_FLIGHT} in flight`,
  ms(p(loaded.decisions, 99)),
  ms(p(alone.decisions, 99)),
  "goal: 250 ms; baseline: 1 run",
);
const firsts = await burst(BURST);
line(
  `first approval of a burst of ${BURST}: p95 / p50`,
  ms(p(firsts, 95)),
  ms(p(firsts, 50)),
  `${(p(firsts, 95) / p(firsts, 50)).toFixed(2)}x (goal: under 2x)`,
);
const rates: string[] = [];
for (const concurrency of [1, 10, 50])
  rates.push(`${concurrency}: ${(await throughput(concurrency, Math.max(20, concurrency * 2))).toFixed(2)}`);
line("runs/s at 1, 10, 50 in flight", rates.join("  "), "");
