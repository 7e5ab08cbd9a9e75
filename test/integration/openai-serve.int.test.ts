import { once } from "node:events";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Approval, PackSummary, Run } from "../../server/contract/index.ts";
import { runCli, serve } from "../support/cli.ts";
import { demoScript } from "../support/openai-demo.ts";
import { fault, startScriptedOpenAI, type ScriptedOpenAI } from "../support/openai-server.ts";
import { DEMO_TASK, tempDataDir } from "../support/runtime.ts";
import { pendingOf, request } from "../support/server.ts";

let data: ReturnType<typeof tempDataDir>;
let model: ScriptedOpenAI;
let server: Awaited<ReturnType<typeof serve>> | undefined;
/** Whether the scripted model server answers with 500 for now. */
let broken = false;

beforeEach(async () => {
  data = tempDataDir();
  broken = false;
  model = await startScriptedOpenAI((req) => (broken ? fault.serverError("the GPU fell over") : demoScript(req)));
});
afterEach(async () => {
  if (server) {
    server.child.kill("SIGTERM");
    await once(server.child, "close");
    server = undefined;
  }
  await model.close();
  data.remove();
});

/** The `api` of a test server, over a child process's URL. */
const apiOf = (url: string) => ({ api: (method: string, path: string, body?: unknown) => request(url, method, path, body) });

describe("guild serve with models configured by the environment", () => {
  it("names its models, sends each role's requests to its model, counts tokens per specialist, and survives a broken model server", async () => {
    server = await serve({
      GUILD_DATA_DIR: data.dir,
      GUILD_MODEL: "openai:small-default",
      OPENAI_BASE_URL: model.url,
      OPENAI_API_KEY: "test-key",
      GUILD_MODEL_SUPERVISOR: "openai:big-planner",
      GUILD_MODEL_SPECIALIST_PAYMENTS_OFFICER: "openai:qwen2.5:3b",
      GUILD_MODEL_MAX_RETRIES: "1",
      GUILD_MODEL_PRICES: "openai:big-planner=2.5/10",
    });
    expect(server.output()).toContain("model openai:big-planner");
    const t = apiOf(server.url);
    expect((await t.api("GET", "/api/health")).body.model).toEqual({ provider: "openai", name: "big-planner" });
    const pack = ((await t.api("GET", "/api/packs")).body as { packs: PackSummary[] }).packs[0]!;
    expect(pack.model).toEqual({ provider: "openai", name: "big-planner" });
    expect(Object.fromEntries(pack.specialists.map((s) => [s.id, s.model?.name]))).toEqual({
      coverage_analyst: "small-default",
      claims_investigator: "small-default",
      payments_officer: "qwen2.5:3b",
      communications: "small-default",
    });

    const { body } = await t.api("POST", "/api/runs", { task: DEMO_TASK });
    const runId = (body as { run: Run }).run.id;
    for (
      let { status, approvals } = await pendingOf(t, runId);
      status === "awaiting_approval";
      { status, approvals } = await pendingOf(t, runId)
    ) {
      for (const approval of approvals as Approval[]) await t.api("POST", `/api/approvals/${approval.id}/decision`, { type: "approve" });
    }
    const run = ((await t.api("GET", `/api/runs/${runId}`)).body as { run: Run }).run;
    expect(run.status).toBe("completed");
    expect(run.model).toEqual({ provider: "openai", name: "big-planner" });
    // Which model each request went to: the planner plans and answers; each specialist uses its own.
    const byModel = new Set(model.requests.map((r) => r.model));
    expect(byModel).toEqual(new Set(["big-planner", "qwen2.5:3b", "small-default"]));
    expect(
      model.requests
        .filter((r) => (r.tools ?? []).some((tool) => tool.function.name === "issue_payment"))
        .every((r) => r.model === "qwen2.5:3b"),
    ).toBe(true);
    expect(model.requests.every((r) => r.stream === true)).toBe(true);
    expect(Object.keys(run.usage!.bySpecialist!).sort()).toEqual(["communications", "coverage_analyst", "payments_officer"]);
    expect(run.usage!.supervisor!.cost).toBeGreaterThan(0);
    expect(run.usage!.inputTokens).toBe(model.usage.reduce((n, u) => n + u.prompt_tokens, 0));

    // The model server breaks: the next run fails clearly, naming the cause, and the server still serves.
    broken = true;
    const failing = ((await t.api("POST", "/api/runs", { task: DEMO_TASK })).body as { run: Run }).run.id;
    const ended = await pendingOf(t, failing);
    expect(ended.status).toBe("failed");
    const failed = ((await t.api("GET", `/api/runs/${failing}`)).body as { run: Run }).run;
    expect(failed.error).toMatchObject({ code: "model_error", details: { cause: "server_error", attempts: 2, status: 500 } });
    expect(failed.error!.message).toContain("big-planner");
    expect((await t.api("GET", "/api/health")).status).toBe(200);
  });

  it("refuses a model configured for a specialist that no pack has, naming the variable", async () => {
    const result = await runCli(["serve"], {
      GUILD_DATA_DIR: data.dir,
      PORT: "0",
      OPENAI_BASE_URL: model.url,
      GUILD_MODEL_SPECIALIST_PAYMENT_OFFICER: "openai:qwen2.5:3b",
    });
    expect(result.code).toBe(64);
    expect(result.stderr).toContain("GUILD_MODEL_SPECIALIST_PAYMENT_OFFICER: no specialist 'payment_officer'");
  });
});
