import { once } from "node:events";
import { describe, expect, it, onTestFinished } from "vitest";
import { eventsOfType, type Run, type RunEvent } from "../../server/contract/index.ts";
import { serve } from "../support/cli.ts";
import { request, tempDataDir, until } from "../support/clients.ts";
import { mcpLabPack, stdioTestServer } from "../support/mcp.ts";

/**
 * Guild passes the same idempotency key when it runs an MCP effect again after a crash; that the
 * effect then happens once is the server's to honour, and the test server does (it keeps the keys
 * it has seen). `guild serve` is killed with SIGKILL just before and just after the MCP effect.
 */

const TASK = "Reserve stock of part P-104.";
type Served = Awaited<ReturnType<typeof serve>>;

async function start(env: Record<string, string>): Promise<Served> {
  const served = await serve({ GUILD_LEASE_MS: "500", ...env });
  onTestFinished(async () => {
    if (served.child.exitCode !== null || served.child.signalCode !== null) return;
    const closed = once(served.child, "close");
    served.child.kill("SIGKILL");
    await closed;
  });
  return served;
}

const runOf = async (url: string, id: string) => ((await request(url, "GET", `/api/runs/${id}`)).body as { run: Run }).run;

describe("an MCP effect when guild serve crashes around it", () => {
  for (const failpoint of ["effect.before", "effect.after"]) {
    it(`happens once: killed at ${failpoint}, the next process calls the server again with the same key`, async () => {
      // The offline model reserves what lookup_part says is in stock (hint), after asking a reviewer.
      const lab = mcpLabPack({
        servers: { inv: stdioTestServer() },
        tools: ["inv/lookup_part", "inv/reserve_stock"],
        mcpTools: { "inv/reserve_stock": { hints: { quantity: ["stock"] } } },
      });
      const data = tempDataDir("guild-mcp-crash-");
      onTestFinished(() => {
        data.remove();
        lab.remove();
      });
      const env = { GUILD_DATA_DIR: data.dir, GUILD_PACKS_DIRS: lab.root };

      const first = await start({ ...env, GUILD_FAILPOINT: failpoint });
      const { run } = (await request(first.url, "POST", "/api/runs", { task: TASK, pack: "mcp-lab" })).body as { run: Run };
      const paused = await until("the reservation to be asked", async () => {
        const r = await runOf(first.url, run.id);
        return r.pendingApprovals.length > 0 && r;
      });
      expect(paused.pendingApprovals[0]!.action).toEqual({ name: "inv/reserve_stock", args: { part_id: "P-104", quantity: 85 } });
      const died = once(first.child, "close");
      await request(first.url, "POST", `/api/approvals/${paused.pendingApprovals[0]!.id}/decision`, { type: "approve" });
      const [, signal] = await died;
      expect(signal).toBe("SIGKILL");
      expect(lab.ledger()).toHaveLength(failpoint === "effect.before" ? 0 : 1);

      const second = await start(env);
      const done = await until("the run to complete after the restart", async () => {
        const r = await runOf(second.url, run.id);
        return ["completed", "failed"].includes(r.status) && r;
      });
      expect(done.status).toBe("completed");
      const ledger = lab.ledger();
      expect(ledger).toHaveLength(1);
      const events = ((await request(second.url, "GET", `/api/runs/${run.id}/events`)).body as { events: RunEvent[] }).events;
      const calls = eventsOfType(events, "tool.called").filter((e) => e.data.tool === "inv/reserve_stock");
      expect(ledger[0]!.key).toBe(`${run.id}:${String(calls[0]!.data.callId)}`);
      const results = eventsOfType(events, "tool.result")
        .filter((e) => e.data.tool === "inv/reserve_stock")
        .map((e) => e.data.result as { replayed?: boolean });
      // After effect.after the second process's call is the server's replay of the first.
      expect(results.at(-1)!.replayed === true).toBe(failpoint === "effect.after");
    });
  }
});
