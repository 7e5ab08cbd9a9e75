import { parseArgs } from "node:util";
import type { Logger } from "pino";
import { GuildError } from "../../agents/errors/index.ts";
import type { GuildConfig } from "../config.ts";
import {
  ApprovalStatusSchema,
  deriveEffects,
  RunStatusSchema,
  type Approval,
  type Run,
  type RunEffect,
  type RunEvent,
} from "../contract/index.ts";
import { describeApproval } from "./approval-prompt.ts";
import { POLL_MS, isSettled, localDesk, remoteDesk, type DeskClient } from "./desk-client.ts";
import { EXIT, type CommandIO } from "./io.ts";
import { ProgressPrinter } from "./printer.ts";
import { approvalSubject, decideHint, modelLabel, printAnswer } from "./run-output.ts";
import { style } from "./style.ts";

/** The options every desk command takes: where Guild is, and how to print. */
const COMMON = {
  server: { type: "string" },
  key: { type: "string" },
  json: { type: "boolean", default: false },
} as const;

/** How long `guild decide` waits for the run to pause again or finish before it reports. */
const SETTLE_MS = 120_000;

const DECISION_TYPES = ["approve", "reject", "edit", "respond", "redirect"] as const;

type Common = { server?: string; key?: string; json: boolean };

function deskFor(values: Common, config: GuildConfig, log: Logger): Promise<DeskClient> {
  if (values.key !== undefined && values.server === undefined) throw new GuildError("invalid_input", "--key needs --server URL");
  // The key can come from the environment so that it stays out of the shell's history.
  return values.server !== undefined
    ? Promise.resolve(remoteDesk(values.server, values.key ?? process.env.GUILD_API_KEY))
    : localDesk(config, log);
}

/** `--server URL --key K` again, for the commands the output suggests (never the key itself). */
const serverArgs = (values: Common): string =>
  values.server ? ` --server ${values.server}${values.key ? " --key $GUILD_API_KEY" : ""}` : "";

const firstLine = (text: string, max: number): string => {
  const line = text.split("\n")[0]!.trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};

const pad = (text: string, width: number): string => text.padEnd(width);

/** A value as JSON on one line, cut to `max` characters (an email's body is not for a listing). */
const brief = (value: unknown, max = 160): string => {
  const text = JSON.stringify(value) ?? "";
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
};

function statusText(run: Run): string {
  const colour =
    run.status === "completed"
      ? style.green
      : run.status === "failed" || run.status === "cancelled"
        ? style.red
        : run.status === "awaiting_approval"
          ? style.yellow
          : (t: string) => t;
  return colour(run.status);
}

/**
 * The effects of a run for `guild show`: each as the web client shows it (done, failed, running, or
 * not done: rejected or expired before it ran), with `done`, `result` and `error` as before.
 */
function effectsOf(events: readonly RunEvent[]): (RunEffect & { done: boolean; result?: unknown; error?: string })[] {
  return deriveEffects(events).map((e) => ({
    ...e,
    done: e.state === "done",
    ...(e.state === "done" ? { result: e.detail } : e.state === "running" ? {} : { error: String(e.detail) }),
  }));
}

async function allEvents(desk: DeskClient, runId: string): Promise<RunEvent[]> {
  const events: RunEvent[] = [];
  for (;;) {
    const page = await desk.listEvents(runId, events.at(-1)?.seq ?? 0);
    if (page.length === 0) return events;
    events.push(...page);
  }
}

/** `guild runs [--status S] [--limit N]`: runs, newest first. */
async function runsCommand(rest: string[], desk: DeskClient, values: Common, io: CommandIO): Promise<number> {
  const { values: own } = parseArgs({ args: rest, options: { ...COMMON, status: { type: "string" }, limit: { type: "string" } } });
  const status = own.status === undefined ? undefined : RunStatusSchema.safeParse(own.status);
  if (status && !status.success) throw new GuildError("invalid_input", `--status must be one of ${RunStatusSchema.options.join(", ")}`);
  const limit = own.limit === undefined ? undefined : Number(own.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1 && limit <= 500))
    throw new GuildError("invalid_input", "--limit must be a whole number from 1 to 500");
  const runs = await desk.listRuns({ ...(status ? { status: status.data } : {}), ...(limit ? { limit } : {}) });
  if (values.json) {
    io.stdout.write(`${JSON.stringify({ runs })}\n`);
    return EXIT.completed;
  }
  if (runs.length === 0) io.stdout.write(`No runs${status ? ` with status ${status.data}` : ""} in ${desk.where}.\n`);
  for (const run of runs) {
    const waiting = run.pendingApprovals.length > 0 ? style.yellow(` (${run.pendingApprovals.length} pending)`) : "";
    io.stdout.write(
      `${run.id}  ${pad(statusText(run), 17)}${waiting}  ${style.dim(run.updatedAt.slice(0, 19).replace("T", " "))}  ${firstLine(run.task, 70)}\n`,
    );
  }
  return EXIT.completed;
}

/** `guild show <runId>`: status, answer, effects done and not done, pending approvals. */
async function showCommand(rest: string[], desk: DeskClient, values: Common, io: CommandIO): Promise<number> {
  const { positionals } = parseArgs({ args: rest, allowPositionals: true, options: COMMON });
  const runId = positionals[0];
  if (!runId) throw new GuildError("invalid_input", "which run? guild show <runId>");
  const run = await desk.getRun(runId);
  const effects = effectsOf(await allEvents(desk, runId));
  if (values.json) {
    io.stdout.write(`${JSON.stringify({ run, effects })}\n`);
    return EXIT.completed;
  }
  const out = io.stdout;
  out.write(`${style.bold(firstLine(run.task, 100))}\n`);
  out.write(`run ${run.id} · ${statusText(run)} · pack ${run.pack} · model ${modelLabel(run.model)} · updated ${run.updatedAt}\n`);
  if (run.error) out.write(style.red(`${run.error.code}: ${run.error.message}\n`));
  printAnswer(run, out);
  if (effects.length > 0) {
    out.write(`\n${style.bold("Effects")}\n`);
    for (const e of effects) {
      const what = e.title ?? `${e.tool} ${brief(e.args)}`;
      out.write(
        e.state === "done"
          ? `  ${style.green("✓")} ${what} → ${brief(e.result)}\n`
          : e.state === "running"
            ? `  ${style.yellow("…")} ${what}: running\n`
            : `  ${style.red("✗")} ${what}: ${e.state === "failed" ? "failed" : "not done"}: ${e.error}\n`,
      );
    }
  }
  if (run.pendingApprovals.length > 0) out.write(`\n${decideHint(run, serverArgs(values))}\n`);
  return EXIT.completed;
}

/** `guild approvals [--run ID] [--status S]`: pending approvals (or of a status), oldest first. */
async function approvalsCommand(rest: string[], desk: DeskClient, values: Common, io: CommandIO): Promise<number> {
  const { values: own } = parseArgs({ args: rest, options: { ...COMMON, run: { type: "string" }, status: { type: "string" } } });
  const status = own.status === undefined ? undefined : ApprovalStatusSchema.safeParse(own.status);
  if (status && !status.success)
    throw new GuildError("invalid_input", `--status must be one of ${ApprovalStatusSchema.options.join(", ")}`);
  const approvals = await desk.listApprovals({ ...(own.run ? { runId: own.run } : {}), ...(status ? { status: status.data } : {}) });
  if (values.json) {
    io.stdout.write(`${JSON.stringify({ approvals })}\n`);
    return EXIT.completed;
  }
  if (approvals.length === 0)
    io.stdout.write(`No ${status?.data ?? "pending"} approvals${own.run ? ` for run ${own.run}` : ""} in ${desk.where}.\n`);
  for (const approval of approvals) {
    io.stdout.write(
      `${describeApproval(approval)}\n${style.dim(`  run ${approval.runId} · ${approval.status} · allowed: ${DECISION_TYPES.filter((t) => approval.allowed[t]).join(", ")}`)}\n`,
    );
    if (approval.status === "pending") io.stdout.write(`  npx guild decide ${approval.id} approve${serverArgs(values)}\n`);
    io.stdout.write("\n");
  }
  return EXIT.completed;
}

function parseJsonArgs(text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new GuildError("invalid_input", `--args is not JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw new GuildError("invalid_input", "--args must be a JSON object, e.g. '{\"amount\": 3000}'");
  return parsed as Record<string, unknown>;
}

/** The decision the command line describes; an edit's `--args` are merged over the proposed arguments. */
function decisionFrom(
  type: (typeof DECISION_TYPES)[number],
  approval: Approval,
  own: { args?: string; message?: string; specialist?: string },
): Record<string, unknown> {
  const message = own.message?.trim() ? { message: own.message.trim() } : {};
  switch (type) {
    case "approve":
      return { type };
    case "reject":
      return { type, ...message };
    case "respond":
      if (!message.message) throw new GuildError("invalid_input", "respond needs --message 'what the specialist should change'");
      return { type, ...message };
    case "redirect":
      if (!own.specialist)
        throw new GuildError(
          "invalid_input",
          "redirect needs --specialist ID (guild approvals shows the approval's specialist; GET /api/packs lists the others)",
        );
      return { type, specialist: own.specialist, ...message };
    case "edit":
      if (own.args === undefined)
        throw new GuildError("invalid_input", `edit needs --args JSON, e.g. --args '${JSON.stringify(approval.action.args).slice(0, 80)}'`);
      return { type, args: { ...approval.action.args, ...parseJsonArgs(own.args) } };
  }
}

/**
 * `guild decide <approvalId> approve|reject|edit|respond|redirect`: decides, then waits until the
 * run pauses again or finishes (locally, this process executes it) and says what it did.
 */
async function decideCommand(rest: string[], desk: DeskClient, values: Common, io: CommandIO): Promise<number> {
  const { values: own, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { ...COMMON, args: { type: "string" }, message: { type: "string" }, specialist: { type: "string" } },
  });
  const [approvalId, type] = positionals;
  if (!approvalId || !type) throw new GuildError("invalid_input", "guild decide <approvalId> approve|reject|edit|respond|redirect");
  if (!(DECISION_TYPES as readonly string[]).includes(type))
    throw new GuildError("invalid_input", `the decision must be one of ${DECISION_TYPES.join(", ")}, not '${type}'`);
  const approval = await desk.getApproval(approvalId);
  const decided = await desk.decide(approvalId, decisionFrom(type as (typeof DECISION_TYPES)[number], approval, own));
  const run = await desk.settle(decided.runId, SETTLE_MS);
  if (values.json) {
    io.stdout.write(`${JSON.stringify({ approval: decided, run })}\n`);
    return EXIT.completed;
  }
  io.stderr.write(`${style.green("✓")} ${approvalSubject(decided)} (${decided.id}): ${decided.status}\n`);
  io.stderr.write(`run ${run.id}: ${statusText(run)}${isSettled(run) ? "" : style.dim(" (still working; guild follow shows it)")}\n`);
  if (run.status === "completed") printAnswer(run, io.stdout);
  if (run.error) io.stderr.write(style.red(`${run.error.code}: ${run.error.message}\n`));
  if (run.pendingApprovals.length > 0) io.stderr.write(`${decideHint(run, serverArgs(values))}\n`);
  return EXIT.completed;
}

/** `guild follow <runId>`: the run's events from the start, then live, until it pauses or ends. */
async function followCommand(rest: string[], desk: DeskClient, values: Common, io: CommandIO): Promise<number> {
  const { positionals } = parseArgs({ args: rest, allowPositionals: true, options: COMMON });
  const runId = positionals[0];
  if (!runId) throw new GuildError("invalid_input", "which run? guild follow <runId>");
  let run = await desk.getRun(runId);
  const packs = values.json ? [] : await desk.listPacks();
  const printer = new ProgressPrinter(packs.find((p) => p.id === run.pack)?.specialists ?? [], io.stderr);
  if (!values.json)
    io.stderr.write(`${style.bold("Guild")} · pack ${run.pack} · model ${modelLabel(run.model)} · run ${run.id} · ${desk.where}\n`);
  let seq = 0;
  const drain = async () => {
    for (;;) {
      const page = await desk.listEvents(runId, seq);
      if (page.length === 0) return;
      for (const event of page) {
        if (values.json) io.stdout.write(`${JSON.stringify(event)}\n`);
        else printer.show(event);
      }
      seq = page.at(-1)!.seq;
    }
  };
  // Events are read by seq, so each is shown once and in order; the status says when to stop.
  for (;;) {
    await drain();
    if (isSettled(run)) break;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    run = await desk.getRun(runId);
  }
  await drain();
  printer.pause();
  if (!values.json) {
    io.stderr.write(`run ${run.id}: ${statusText(run)}\n`);
    printAnswer(run, io.stdout);
    if (run.error) io.stderr.write(style.red(`${run.error.code}: ${run.error.message}\n`));
    if (run.pendingApprovals.length > 0) io.stderr.write(`${decideHint(run, serverArgs(values))}\n`);
  }
  return run.status === "failed" || run.status === "cancelled" ? EXIT.failed : EXIT.completed;
}

const COMMANDS = {
  runs: runsCommand,
  show: showCommand,
  approvals: approvalsCommand,
  decide: decideCommand,
  follow: followCommand,
} as const;

export type DeskCommand = keyof typeof COMMANDS;

/** Runs one desk command against the local data directory or, with --server, a running server. */
export async function deskCommand(name: DeskCommand, rest: string[], config: GuildConfig, log: Logger, io: CommandIO): Promise<number> {
  // Strict parsing happens per command; here only where to connect and how to print.
  const { values } = parseArgs({ args: rest, options: COMMON, strict: false, allowPositionals: true });
  const common: Common = {
    json: values.json === true,
    ...(typeof values.server === "string" ? { server: values.server } : {}),
    ...(typeof values.key === "string" ? { key: values.key } : {}),
  };
  const desk = await deskFor(common, config, log);
  try {
    return await COMMANDS[name](rest, desk, common, io);
  } finally {
    await desk.close();
  }
}
