import type { Approval, Run } from "../contract/index.ts";
import { style } from "./style.ts";

/** The model a run used, honestly: the offline model is no language model. */
export function modelLabel(model: { provider: string; name: string }): string {
  return model.provider === "offline" ? "offline (deterministic rules, no language model)" : `${model.provider}:${model.name}`;
}

/** The answer and its citations, when the run has one. */
export function printAnswer(run: Run, out: NodeJS.WritableStream): void {
  if (!run.result) return;
  out.write(`\n${style.bold("Answer")}\n${run.result.answer}\n`);
  if (run.result.citations.length > 0) {
    out.write(`\n${style.bold("Citations")}\n`);
    run.result.citations.forEach((c, i) => out.write(`[${i + 1}] ${c.source}\n    ${style.dim(c.excerpt)}\n`));
  }
}

/** What a pending approval asks for, in a few words: "issue_payment", "the plan", "the final answer". */
export function approvalSubject(approval: Approval): string {
  return approval.kind === "plan" ? "the plan" : approval.kind === "answer" ? "the final answer" : approval.action.name;
}

/**
 * The exact commands that answer a paused run: one `guild decide` line per pending approval, with
 * the server options the user gave (so the command works as printed).
 */
export function decideHint(run: Run, serverArgs = ""): string {
  const lines = [
    `The run ${run.id} is paused for ${run.pendingApprovals.length === 1 ? "an approval" : `${run.pendingApprovals.length} approvals`}. Answer it with:`,
  ];
  for (const approval of run.pendingApprovals) {
    lines.push(
      `  npx guild decide ${approval.id} approve${serverArgs}   ${style.dim(`# ${approvalSubject(approval)}; or reject, edit --args '{...}', respond --message '...'`)}`,
    );
  }
  lines.push(`  (npx guild approvals --run ${run.id}${serverArgs} shows them in full)`);
  return lines.join("\n");
}
