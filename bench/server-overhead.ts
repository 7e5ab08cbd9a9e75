/**
 * What the server costs on top of the graph: N runs of the demo task through the whole server
 * (REST submit, Socket.IO follow, REST approvals) against the same graph invoked in-process with
 * the same SQLite checkpointer, in one process, one after the other. Prints both and the ratio.
 *
 *   npm run bench:overhead [-- --runs 30]
 */
import { Command } from "@langchain/langgraph";
import { pino } from "pino";
import { BUILTIN_PACKS_DIR, loadPacks } from "../agents/packs/index.ts";
import { createModel } from "../agents/models/index.ts";
import type { Approval, RunEvent } from "../server/contract/index.ts";
import { buildEngines } from "../server/runtime/engine.ts";
import { openStorage } from "../server/runtime/storage/index.ts";
import { benchServer, connectSocket, DEMO_TASK, ms, percentile, post, tempDir } from "./support.ts";

const runs = Number(process.argv[process.argv.indexOf("--runs") + 1]) || 20;
const WARM_UP = 2;

/** The bare graph: invoke, then resume every interrupt with approve, until it ends. */
async function inProcess(count: number): Promise<number[]> {
  const data = tempDir("graph");
  const storage = await openStorage({ dataDir: data.dir, log: pino({ level: "silent" }) });
  const packs = await loadPacks([BUILTIN_PACKS_DIR]);
  const engines = await buildEngines(packs, storage, (profile) => createModel(profile, { defaultModel: "offline" }));
  const { graph } = engines.get("insurance-claims")!;
  const times: number[] = [];
  for (let i = 0; i < count + WARM_UP; i += 1) {
    const config = { configurable: { thread_id: `bench-${i}` }, recursionLimit: 200 };
    const started = performance.now();
    let state: any = await graph.invoke({ task: DEMO_TASK, planApproval: false }, config);
    while (state.__interrupt__?.length) {
      const resume = Object.fromEntries(state.__interrupt__.map((it: { id: string }) => [it.id, { type: "approve" }]));
      state = await graph.invoke(new Command({ resume }), config);
    }
    if (!state.result) throw new Error("the in-process run did not finish");
    if (i >= WARM_UP) times.push(performance.now() - started);
  }
  await storage.close();
  data.remove();
  return times;
}

/** The whole server: POST the run, follow it over the socket, approve over REST when asked. */
async function throughServer(count: number): Promise<number[]> {
  const { server, close } = await benchServer();
  const client = await connectSocket(server.url);
  const times: number[] = [];
  for (let i = 0; i < count + WARM_UP; i += 1) {
    const started = performance.now();
    const { run } = await post(`${server.url}/api/runs`, { task: DEMO_TASK });
    await new Promise<void>((resolve, reject) => {
      const onEvent = (event: RunEvent) => {
        if (event.runId !== run.id) return;
        if (event.type === "approval.requested") {
          const approval = event.data.approval as Approval;
          post(`${server.url}/api/approvals/${approval.id}/decision`, { type: "approve" }).catch(reject);
        } else if (event.type === "run.completed") {
          client.off("run:event", onEvent);
          resolve();
        } else if (event.type === "run.failed") reject(new Error(JSON.stringify(event.data)));
      };
      client.on("run:event", onEvent);
      client.emit("run:subscribe", { runId: run.id }, () => {});
    });
    client.emit("run:unsubscribe", { runId: run.id });
    if (i >= WARM_UP) times.push(performance.now() - started);
  }
  client.disconnect();
  await close();
  return times;
}

function summary(times: number[]) {
  const sorted = [...times].sort((a, b) => a - b);
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  return { mean, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

const graph = summary(await inProcess(runs));
const served = summary(await throughServer(runs));
console.log(`Demo task (offline model, 2 approvals each), ${runs} runs each after ${WARM_UP} warm-up runs, Node ${process.version}`);
console.log(`${"".padEnd(34)}${"mean".padStart(12)}${"p50".padStart(12)}${"p99".padStart(12)}`);
for (const [label, s] of [
  ["graph in-process (baseline)", graph],
  ["whole server (REST + Socket.IO)", served],
] as const) {
  console.log(`${label.padEnd(34)}${ms(s.mean).padStart(12)}${ms(s.p50).padStart(12)}${ms(s.p99).padStart(12)}`);
}
console.log(`ratio server / baseline (mean): ${(served.mean / graph.mean).toFixed(2)}x; overhead per run: ${ms(served.mean - graph.mean)}`);
