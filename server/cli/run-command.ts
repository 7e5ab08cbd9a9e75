import type { Logger } from "pino";
import { hasCode } from "../../agents/errors/index.ts";
import type { GuildConfig } from "../config.ts";
import type { Approval, RunEvent } from "../contract/index.ts";
import { openRuntime } from "../open-runtime.ts";
import type { Runtime } from "../runtime/index.ts";
import { askDecision, describeApproval } from "./approval-prompt.ts";
import { LineReader } from "./lines.ts";
import { ProgressPrinter } from "./printer.ts";
import { EXIT, type CommandIO } from "./io.ts";
import { decideHint, modelLabel, printAnswer } from "./run-output.ts";
import { style } from "./style.ts";

export interface RunCommandOptions {
  task: string;
  pack?: string;
  yes: boolean;
  json: boolean;
  planApproval?: boolean;
}

/**
 * `guild run`: runs one task in-process, shows progress, asks each approval at the prompt
 * (or approves all with --yes), prints the answer; --json prints events only, as NDJSON.
 */
export async function runCommand(options: RunCommandOptions, config: GuildConfig, log: Logger, io: CommandIO): Promise<number> {
  const runtime = await openRuntime(config, log);
  const reader = new LineReader(io.stdin, io.stderr);
  try {
    const run = await runtime.startRun({
      task: options.task,
      ...(options.pack ? { pack: options.pack } : {}),
      ...(options.planApproval !== undefined ? { options: { planApproval: options.planApproval } } : {}),
    });
    const pack = runtime.listPacks().find((p) => p.id === run.pack);
    const printer = new ProgressPrinter(pack?.specialists ?? [], io.stderr);
    if (!options.json) io.stderr.write(`${style.bold("Guild")} · pack ${run.pack} · model ${modelLabel(run.model)} · run ${run.id}\n`);
    // What is already in the log, then live; each seq is shown once.
    const following = await runtime.follow(run.id, 0, (event: RunEvent) =>
      options.json ? io.stdout.write(`${JSON.stringify(event)}\n`) : printer.show(event),
    );
    const stopTokens = options.json ? () => {} : runtime.onToken((token) => token.runId === run.id && printer.token(token));
    const stop = (): void => {
      following.stop();
      stopTokens();
    };

    let current = await runtime.waitForRun(run.id);
    while (current.status === "awaiting_approval") {
      for (const approval of current.pendingApprovals) {
        if (!(await decideAtPrompt(runtime, approval, options, reader, printer, pack))) {
          io.stderr.write(`The input ended with approvals still pending.\n${decideHint(await runtime.getRun(run.id))}\n`);
          stop();
          return EXIT.failed;
        }
      }
      current = await runtime.waitForRun(run.id);
    }
    stop();
    if (!options.json) {
      printAnswer(current, io.stdout);
      if (current.error) io.stderr.write(style.red(`\nRun ${current.status}: ${current.error.code}: ${current.error.message}\n`));
    }
    if (current.status !== "completed") return EXIT.failed;
    const planRejected = (await runtime.listApprovals({ runId: run.id, status: "rejected" })).some((a) => a.kind === "plan");
    return planRejected ? EXIT.rejected : EXIT.completed;
  } finally {
    reader.close();
    await runtime.close();
  }
}

async function decideAtPrompt(
  runtime: Runtime,
  approval: Approval,
  options: RunCommandOptions,
  reader: LineReader,
  printer: ProgressPrinter,
  pack: Parameters<typeof askDecision>[3],
): Promise<boolean> {
  printer.pause();
  if (options.yes && approval.violations?.length) {
    // --yes approves what keeps the pack's rules; a call that breaks one needs a person.
    const why = `breaks a rule of the pack: ${approval.violations.join("; ")}`;
    printer.line(style.yellow(`  not approving ${approval.title ?? approval.action.name} automatically (--yes): it ${why}`));
    await runtime.decide(
      approval.id,
      { type: "reject", message: `Not approved by --yes: it ${why}.`, reviewer: "cli --yes" },
      { via: "cli" },
    );
    return true;
  }
  if (options.yes) {
    printer.line(
      style.dim(
        `  auto-approving ${approval.kind === "plan" ? "the plan" : approval.kind === "answer" ? "the final answer" : approval.action.name} (--yes)`,
      ),
    );
    await runtime.decide(approval.id, { type: "approve", reviewer: "cli --yes" }, { via: "cli" });
    return true;
  }
  printer.line(`\n${describeApproval(approval)}`);
  for (;;) {
    const decision = await askDecision(approval, reader, (text) => printer.line(text), pack);
    if (!decision) return false;
    try {
      await runtime.decide(approval.id, { ...decision, reviewer: "cli" }, { via: "cli" });
      return true;
    } catch (error) {
      if (hasCode(error, "conflict")) {
        printer.line(style.yellow(`Someone else already decided this approval: ${(error as Error).message}`));
        return true;
      }
      if (!hasCode(error, "invalid_input")) throw error;
      printer.line(style.red((error as Error).message));
    }
  }
}
