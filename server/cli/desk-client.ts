import type { Logger } from "pino";
import { GuildError, isGuildError, type GuildErrorCode } from "../../agents/errors/index.ts";
import type { GuildConfig } from "../config.ts";
import type { Approval, ApprovalStatus, PackSummary, Run, RunEvent, RunStatus } from "../contract/index.ts";

/**
 * What the desk commands (`guild runs`, `show`, `approvals`, `decide`, `follow`) need of Guild:
 * the local data directory through a runtime of their own, or a running server over REST.
 */
export interface DeskClient {
  /** Where the commands work, for their first line: "data directory ..." or the server's URL. */
  readonly where: string;
  listRuns(filter: { status?: RunStatus; limit?: number }): Promise<Run[]>;
  getRun(id: string): Promise<Run>;
  listEvents(runId: string, afterSeq: number): Promise<RunEvent[]>;
  listApprovals(filter: { status?: ApprovalStatus; runId?: string }): Promise<Approval[]>;
  getApproval(id: string): Promise<Approval>;
  decide(approvalId: string, decision: Record<string, unknown>): Promise<Approval>;
  listPacks(): Promise<PackSummary[]>;
  /**
   * Resolves when the run has nothing left to do for now (paused, finished, or left to another
   * process that executes it), or when `timeoutMs` passes.
   */
  settle(runId: string, timeoutMs: number): Promise<Run>;
  close(): Promise<void>;
}

/**
 * A run that waits for nobody but a person, or is done. A run still marked awaiting approval with
 * nothing pending has been decided and is about to resume.
 */
export const isSettled = (run: Run): boolean =>
  run.status !== "running" && run.status !== "queued" && !(run.status === "awaiting_approval" && run.pendingApprovals.length === 0);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How often a run's status and events are polled while it is followed. */
export const POLL_MS = 300;

/** Reads the run again until it settles (see isSettled) or `deadline` passes. */
async function pollUntilSettled(run: Run, getRun: (id: string) => Promise<Run>, deadline: number): Promise<Run> {
  while (!isSettled(run) && Date.now() < deadline) {
    await sleep(POLL_MS);
    run = await getRun(run.id);
  }
  return run;
}

/** The local data directory (SQLite, or GUILD_DATABASE_URL): a runtime in this process, which also executes the runs it resumes. */
export async function localDesk(config: GuildConfig, log: Logger): Promise<DeskClient> {
  const { openRuntime } = await import("../open-runtime.ts");
  const runtime = await openRuntime(config, log);
  return {
    where: config.databaseUrl ? "the database of GUILD_DATABASE_URL" : `data directory ${config.dataDir}`,
    listRuns: (filter) => runtime.listRuns(filter),
    getRun: (id) => runtime.getRun(id),
    listEvents: (runId, afterSeq) => runtime.listEvents(runId, afterSeq),
    listApprovals: (filter) => runtime.listApprovals(filter),
    getApproval: (id) => runtime.getApproval(id),
    decide: (approvalId, decision) => runtime.decide(approvalId, { reviewer: "cli", ...decision }, { via: "cli" }),
    listPacks: async () => runtime.listPacks(),
    async settle(runId, timeoutMs) {
      // This process executes what it resumed; a run another process owns is polled.
      const deadline = Date.now() + timeoutMs;
      return pollUntilSettled(await runtime.waitForRun(runId), (id) => runtime.getRun(id), deadline);
    },
    close: () => runtime.close(),
  };
}

/** A running server at `url`, with an API key when it asks for one. Errors are the server's, as GuildErrors. */
export function remoteDesk(url: string, key: string | undefined): DeskClient {
  const base = url.replace(/\/+$/, "");
  async function call<T>(method: "GET" | "POST", path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers: {
          ...(key ? { authorization: `Bearer ${key}` } : {}),
          ...(body !== undefined ? { "content-type": "application/json" } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch (error) {
      const cause = (error as Error).cause as { code?: string; message?: string } | undefined;
      throw new GuildError("internal", `cannot reach the server at ${base}: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
    }
    const payload = (await response.json().catch(() => ({}))) as { error?: { code?: string; message?: string } } & T;
    if (!response.ok) {
      // The server's own code where it sent one (conflict, not_found, invalid_input...), so the CLI answers as it does locally.
      const sent = { code: payload.error?.code, message: payload.error?.message ?? `HTTP ${response.status}` };
      const code: GuildErrorCode = isGuildError(sent) ? sent.code : "internal";
      throw new GuildError(code, `${sent.message} (HTTP ${response.status} from ${base})`);
    }
    return payload;
  }
  const query = (params: Record<string, string | number | undefined>) => {
    const entries = Object.entries(params).filter((e): e is [string, string | number] => e[1] !== undefined);
    return entries.length === 0 ? "" : `?${new URLSearchParams(entries.map(([k, v]): [string, string] => [k, String(v)])).toString()}`;
  };
  const getRun = async (id: string) => (await call<{ run: Run }>("GET", `/api/runs/${encodeURIComponent(id)}`)).run;
  return {
    where: base,
    listRuns: async (filter) => (await call<{ runs: Run[] }>("GET", `/api/runs${query(filter)}`)).runs,
    getRun,
    listEvents: async (runId, afterSeq) =>
      (await call<{ events: RunEvent[] }>("GET", `/api/runs/${encodeURIComponent(runId)}/events${query({ after: afterSeq })}`)).events,
    listApprovals: async (filter) => (await call<{ approvals: Approval[] }>("GET", `/api/approvals${query(filter)}`)).approvals,
    getApproval: async (id) => (await call<{ approval: Approval }>("GET", `/api/approvals/${encodeURIComponent(id)}`)).approval,
    decide: async (approvalId, decision) =>
      (await call<{ approval: Approval }>("POST", `/api/approvals/${encodeURIComponent(approvalId)}/decision`, decision)).approval,
    listPacks: async () => (await call<{ packs: PackSummary[] }>("GET", "/api/packs")).packs,
    async settle(runId, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      return pollUntilSettled(await getRun(runId), getRun, deadline);
    },
    close: async () => {},
  };
}
