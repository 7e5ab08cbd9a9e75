/**
 * Scaling out: runs per second of the demo task over REST with 1, 2 and 3 `guild serve` processes
 * on one Postgres database, beside 1 process on SQLite (the baseline), in one run; and the round
 * trip of a decision across processes: decided over REST on B, the run executed by B, its events
 * received by a socket on C (beside decide and follow on one SQLite process).
 *
 *   npm run bench:scale [-- --runs 40 --inflight 12]
 *
 * Needs the Postgres of GUILD_TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres);
 * each configuration gets a fresh database, dropped afterwards.
 */
import { once } from "node:events";
import os from "node:os";
import type { Approval, Run, RunEvent } from "../server/contract/index.ts";
import { serve } from "../test/support/cli.ts";
import { createTestDatabase } from "../test/support/postgres.ts";
import { connectSocket, DEMO_TASK, ms, percentile, post, tempDir, type Client } from "./support.ts";

const arg = (name: string, fallback: number) => Number(process.argv[process.argv.indexOf(`--${name}`) + 1]) || fallback;
const RUNS = arg("runs", 40);
const IN_FLIGHT = arg("inflight", 12);
const ROUND_TRIPS = arg("trips", 15);

type Served = Awaited<ReturnType<typeof serve>>;

/** N server processes on a fresh place: SQLite files, or a fresh Postgres database. */
async function cluster(engine: "sqlite" | "postgres", processes: number): Promise<{ urls: string[]; close(): Promise<void> }> {
  const data = tempDir(engine);
  const database = engine === "postgres" ? await createTestDatabase() : undefined;
  const env = { GUILD_DATA_DIR: data.dir, ...(database ? { GUILD_DATABASE_URL: database.url } : {}), LOG_LEVEL: "warn" };
  // One first, so that it migrates and seeds alone; the rest join it.
  const first = await serve(env);
  const rest = await Promise.all(Array.from({ length: processes - 1 }, () => serve(env)));
  const served: Served[] = [first, ...rest];
  return {
    urls: served.map((s) => s.url),
    async close() {
      await Promise.all(
        served.map(async ({ child }) => {
          const closed = once(child, "close");
          child.kill("SIGTERM");
          await closed;
        }),
      );
      await database?.drop();
      data.remove();
    },
  };
}

/**
 * Keeps IN_FLIGHT demo runs going until RUNS have completed: each started on the next process in
 * turn, every approval approved over REST by the process that started the run, as an inbox
 * socket on it announces. Returns runs per second over the wall time.
 */
async function throughput(urls: string[]): Promise<{ perSecond: number; wallMs: number }> {
  const inboxes: Client[] = await Promise.all(urls.map((url) => connectSocket(url)));
  const origin = new Map<string, string>();
  const finished = new Map<string, () => void>();
  for (const [i, inbox] of inboxes.entries()) {
    inbox.on("approval:requested", (approval: Approval) => {
      const url = origin.get(approval.runId);
      // Each process's inbox tells of every run's approvals: the one that started the run answers.
      if (url === urls[i]) void post(`${url}/api/approvals/${approval.id}/decision`, { type: "approve" }).catch(() => undefined);
    });
    await inbox.emitWithAck("inbox:subscribe", {});
  }
  const follower = inboxes[0]!;
  follower.on("run:event", (event: RunEvent) => {
    if (event.type === "run.completed" || event.type === "run.failed") finished.get(event.runId)?.();
  });
  let started = 0;
  const startedAt = performance.now();
  const lane = async (): Promise<void> => {
    while (started < RUNS) {
      const url = urls[started % urls.length]!;
      started += 1;
      const { run } = (await post(`${url}/api/runs`, { task: DEMO_TASK })) as { run: Run };
      origin.set(run.id, url);
      const done = new Promise<void>((resolve) => finished.set(run.id, resolve));
      await follower.emitWithAck("run:subscribe", { runId: run.id });
      await done;
      await follower.emitWithAck("run:unsubscribe", { runId: run.id });
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  const wallMs = performance.now() - startedAt;
  inboxes.forEach((s) => s.disconnect());
  return { perSecond: (RUNS * 1000) / wallMs, wallMs };
}

/**
 * One run at a time: started on the first process, its payment decided over REST on the second
 * (which resumes it), its events followed on the third. Times, from sending the decision, the
 * `approval.resolved` event and the first event of the resumed run (`tool.called`) on the follower.
 */
async function roundTrips(urls: string[]): Promise<{ resolved: number[]; resumed: number[] }> {
  const [a, b, c] = [urls[0]!, urls[1 % urls.length]!, urls[2 % urls.length]!];
  const follower = await connectSocket(c);
  const resolved: number[] = [];
  const resumed: number[] = [];
  for (let i = 0; i < ROUND_TRIPS; i += 1) {
    const { run } = (await post(`${a}/api/runs`, { task: DEMO_TASK })) as { run: Run };
    let sentAt = 0;
    let decided: string | undefined;
    const finished = new Promise<void>((resolve, reject) => {
      follower.on("run:event", (event: RunEvent) => {
        if (event.runId !== run.id) return;
        if (event.type === "approval.requested") {
          const approval = event.data.approval as Approval;
          // The payment: timed. The email after it: approved so the run ends.
          if (decided === undefined) {
            decided = approval.id;
            sentAt = performance.now();
          }
          void post(`${b}/api/approvals/${approval.id}/decision`, { type: "approve" }).catch(reject);
        }
        if (event.type === "approval.resolved" && event.data.approvalId === decided && resolved.length === i)
          resolved.push(performance.now() - sentAt);
        if (event.type === "tool.called" && event.data.tool === "issue_payment" && resumed.length === i)
          resumed.push(performance.now() - sentAt);
        if (event.type === "run.completed") resolve();
        if (event.type === "run.failed") reject(new Error(JSON.stringify(event.data)));
      });
    });
    await follower.emitWithAck("run:subscribe", { runId: run.id });
    await finished;
    follower.removeAllListeners("run:event");
    await follower.emitWithAck("run:unsubscribe", { runId: run.id });
  }
  follower.disconnect();
  return { resolved, resumed };
}

const stats = (values: number[]) => {
  const sorted = [...values].sort((x, y) => x - y);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
};

const configurations = [
  { label: "SQLite, 1 process (baseline)", engine: "sqlite", processes: 1 },
  { label: "Postgres, 1 process", engine: "postgres", processes: 1 },
  { label: "Postgres, 2 processes", engine: "postgres", processes: 2 },
  { label: "Postgres, 3 processes", engine: "postgres", processes: 3 },
] as const;

console.log(
  `Demo task (offline model, 2 approvals each) over REST, ${RUNS} runs, ${IN_FLIGHT} in flight; ${os.cpus().length} cores, Node ${process.version}`,
);
console.log(
  `${"".padEnd(32)}${"runs/s".padStart(10)}${"vs baseline".padStart(13)}${"wall".padStart(14)}${"decision->resolved p50/p99".padStart(30)}${"decision->resumed p50/p99".padStart(30)}`,
);
let baseline = 0;
for (const configuration of configurations) {
  const { urls, close } = await cluster(configuration.engine, configuration.processes);
  try {
    const { perSecond, wallMs } = await throughput(urls);
    const trips = configuration.processes === 1 || configuration.processes === 3 ? await roundTrips(urls) : undefined;
    baseline ||= perSecond;
    const trip = (values: number[] | undefined) => (values ? `${ms(stats(values).p50)} / ${ms(stats(values).p99)}` : "-");
    console.log(
      `${configuration.label.padEnd(32)}${perSecond.toFixed(2).padStart(10)}${`${(perSecond / baseline).toFixed(2)}x`.padStart(13)}${ms(wallMs).padStart(14)}${trip(trips?.resolved).padStart(30)}${trip(trips?.resumed).padStart(30)}`,
    );
  } finally {
    await close();
  }
}
console.log(
  `Round trips: decided on the 2nd process, followed on the 3rd (on 1 process: the same one); ${ROUND_TRIPS} runs one at a time.`,
);
