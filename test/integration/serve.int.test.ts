import { once } from "node:events";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Approval, Run, RunEvent } from "../../server/contract/index.ts";
import { FIXTURE_PACKS, runCli, serve } from "../support/cli.ts";
import { tempDataDir } from "../support/runtime.ts";
import { request, until } from "../support/server.ts";

let data: ReturnType<typeof tempDataDir>;
beforeEach(() => {
  data = tempDataDir();
});
afterEach(() => data.remove());

describe("guild serve", () => {
  it("serves health and packs on the port it prints, and stops cleanly on SIGTERM", async () => {
    const { child, url } = await serve({ GUILD_DATA_DIR: data.dir });
    try {
      const health = await (await fetch(`${url}/api/health`)).json();
      expect(health).toEqual({ status: "ok", model: { provider: "offline", name: "offline" }, storage: { kind: "sqlite" } });
      const { packs } = (await (await fetch(`${url}/api/packs`)).json()) as { packs: any[] };
      expect(packs.map((p: { id: string }) => p.id)).toEqual(["insurance-claims", "manufacturing-qc"]);
      expect(packs[0].specialists[2].tools).toContainEqual(expect.objectContaining({ name: "issue_payment", requiresApproval: true }));
      const missing = await fetch(`${url}/api/nothing-here`);
      expect(missing.status).toBe(404);
      expect(((await missing.json()) as { error: { code: string } }).error.code).toBe("not_found");
    } finally {
      child.kill("SIGTERM");
    }
    const [code] = await once(child, "close");
    expect(code).toBe(0);
  });

  it("refuses to bind a non-loopback address without API keys, and says how to set them", async () => {
    const result = await runCli(["serve"], { GUILD_DATA_DIR: data.dir, HOST: "0.0.0.0", PORT: "0" });
    expect(result.code).toBe(64);
    expect(result.stderr).toContain("GUILD_API_KEYS");
  });

  it("on SIGTERM lets a step under way reach a checkpoint, exits 0, and the next server finishes the run with its effect once", async () => {
    const env = { GUILD_DATA_DIR: data.dir, GUILD_PACKS_DIRS: FIXTURE_PACKS };
    const first = await serve(env);
    const started = await request(first.url, "POST", "/api/runs", {
      task: "Look up REF-001 in the archive and record a note",
      pack: "slow-archive",
    });
    const runId = (started.body as { run: Run }).run.id;
    // search_archive takes seconds; the signal comes while it runs.
    await until("the slow look-up to start", async () => {
      const { body } = await request(first.url, "GET", `/api/runs/${runId}/events`);
      return (body as { events: RunEvent[] }).events.some((e) => e.type === "tool.called" && e.data.tool === "search_archive");
    });
    first.child.kill("SIGTERM");
    const [code] = await once(first.child, "close");
    expect(code).toBe(0);
    // pino's lines on stderr, one JSON object each, with the signal and then the stop.
    const lines = first
      .logs()
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { msg: string; signal?: string });
    expect(lines.find((l) => l.msg.startsWith("shutting down"))?.signal).toBe("SIGTERM");
    expect(lines.at(-1)!.msg).toBe("stopped");

    const second = await serve(env);
    try {
      const { body } = await request(second.url, "GET", `/api/runs/${runId}`);
      const run = (body as { run: Run }).run;
      expect(run.status).toBe("awaiting_approval");
      expect(run.pendingApprovals.map((a: Approval) => a.action.name)).toEqual(["record_note"]);
      await request(second.url, "POST", `/api/approvals/${run.pendingApprovals[0]!.id}/decision`, { type: "approve" });
      await until(
        "the run to complete",
        async () => ((await request(second.url, "GET", `/api/runs/${runId}`)).body as { run: Run }).run.status === "completed",
      );
    } finally {
      second.child.kill("SIGTERM");
      await once(second.child, "close");
    }
    const db = new Database(path.join(data.dir, "packs", "slow-archive.sqlite"), { readonly: true });
    try {
      expect(db.prepare("SELECT count(*) AS n FROM notes WHERE ref = 'REF-001'").get()).toEqual({ n: 1 });
    } finally {
      db.close();
    }
  });
});
