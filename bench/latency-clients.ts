/**
 * The socket clients of the latency benchmark, in a worker thread of their own so that receiving
 * does not wait behind the server's work. Subscribes to the runs it is sent, approves over REST as
 * asked, and reports each live event's receipt time on the shared clock (timeOrigin + now).
 */
import { parentPort, workerData } from "node:worker_threads";
import type { Approval, RunEvent } from "../server/contract/index.ts";
import { connectSocket, post, type Client } from "./support.ts";

const { url, clients: count } = workerData as { url: string; clients: number };
const clients: Client[] = await Promise.all(Array.from({ length: count }, () => connectSocket(url)));
const now = () => performance.timeOrigin + performance.now();
let next = 0;

for (const client of clients) {
  client.on("run:event", (event: RunEvent) => {
    parentPort!.postMessage({ kind: "received", key: `${event.runId}:${event.seq}`, at: now(), type: event.type });
    if (event.type === "approval.requested")
      void post(`${url}/api/approvals/${(event.data.approval as Approval).id}/decision`, { type: "approve" });
  });
}

parentPort!.on("message", (message: { kind: "subscribe"; runId: string } | { kind: "close" }) => {
  if (message.kind === "close") {
    clients.forEach((c) => c.disconnect());
    parentPort!.close();
    return;
  }
  // Subscribed from the start: events stored before the subscription arrive as replay, not counted.
  clients[next++ % clients.length]!.emit("run:subscribe", { runId: message.runId }, () =>
    parentPort!.postMessage({ kind: "subscribed", runId: message.runId, at: now() }),
  );
});
parentPort!.postMessage({ kind: "ready" });
