/**
 * Event latency: from the moment an event is stored to its receipt by a subscribed Socket.IO
 * client, with 50 runs of the demo task at once (approved over REST as asked), beside the same
 * measure for one run alone. The clients live in a worker thread, so receiving does not wait
 * behind the server's work; both sides read the same clock (timeOrigin + now).
 *
 *   npm run bench:latency [-- --runs 50 --clients 10]
 */
import { Worker } from "node:worker_threads";
import { benchServer, DEMO_TASK, ms, percentile, post } from "./support.ts";

const arg = (name: string, fallback: number) => Number(process.argv[process.argv.indexOf(`--${name}`) + 1]) || fallback;
const RUNS = arg("runs", 50);
const CLIENTS = arg("clients", 10);
const now = () => performance.timeOrigin + performance.now();

type FromClients =
  | { kind: "ready" }
  | { kind: "subscribed"; runId: string; at: number }
  | { kind: "received"; key: string; at: number; type: string };

async function measure(runs: number): Promise<{ latencies: number[]; wall: number }> {
  const storedAt = new Map<string, number>();
  const { server, close } = await benchServer((runtime) => runtime.onEvent((event) => storedAt.set(`${event.runId}:${event.seq}`, now())));
  const subscribedAt = new Map<string, number>();
  const latencies: number[] = [];
  // A worker does not inherit tsx's loader on Node 20: register it, then load the TypeScript entry.
  const entry = new URL("./latency-clients.ts", import.meta.url).href;
  const boot = `import("tsx/esm/api").then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  const worker = new Worker(boot, { eval: true, workerData: { url: server.url, clients: CLIENTS } });
  let finished = 0;
  const done = new Promise<void>((resolve, reject) => {
    worker.on("error", reject);
    worker.on("message", (message: FromClients) => {
      if (message.kind === "subscribed") subscribedAt.set(message.runId, message.at);
      if (message.kind !== "received") return;
      const stored = storedAt.get(message.key);
      const runId = message.key.slice(0, message.key.lastIndexOf(":"));
      const subscribed = subscribedAt.get(runId);
      // Only live deliveries count: events stored after the subscription was acknowledged.
      if (stored !== undefined && subscribed !== undefined && stored > subscribed) latencies.push(message.at - stored);
      if (message.type === "run.failed") reject(new Error(`run failed: ${message.key}`));
      if (message.type === "run.completed" && ++finished === runs) resolve();
    });
  });
  await new Promise<void>((resolve) => worker.once("message", () => resolve()));
  const started = now();
  await Promise.all(
    Array.from({ length: runs }, async () => {
      const { run } = await post(`${server.url}/api/runs`, { task: DEMO_TASK });
      worker.postMessage({ kind: "subscribe", runId: run.id });
    }),
  );
  await done;
  const wall = now() - started;
  worker.postMessage({ kind: "close" });
  await new Promise((resolve) => worker.once("exit", resolve));
  await close();
  return { latencies, wall };
}

const rows: [string, Awaited<ReturnType<typeof measure>>][] = [
  ["1 run alone (baseline)", await measure(1)],
  [`${RUNS} runs at once`, await measure(RUNS)],
];
console.log(
  `Stored -> received by a subscribed socket client; demo task, offline model, ${CLIENTS} clients in a worker thread, Node ${process.version}`,
);
console.log(
  `${"".padEnd(26)}${"events".padStart(8)}${"p50".padStart(12)}${"p99".padStart(12)}${"max".padStart(12)}${"all done in".padStart(14)}`,
);
for (const [label, { latencies, wall }] of rows) {
  const sorted = [...latencies].sort((a, b) => a - b);
  console.log(
    `${label.padEnd(26)}${String(sorted.length).padStart(8)}${ms(percentile(sorted, 50)).padStart(12)}${ms(percentile(sorted, 99)).padStart(12)}${ms(sorted.at(-1) ?? NaN).padStart(12)}${ms(wall).padStart(14)}`,
  );
}
