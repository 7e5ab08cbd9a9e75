import { interrupt, type LangGraphRunnableConfig } from "@langchain/langgraph";
import { approvalId, type ApprovalRequest, type Decision } from "../approval/index.ts";
import { runIdOf } from "../events.ts";
import type { GraphDeps } from "../deps.ts";
import { approvalTerms } from "../policy.ts";
import type { GuildStateType, GuildUpdate, TaughtLesson, PlanStep } from "../state.ts";

/** The steps a plan approval carries: what a reviewer reads and edits. */
export function planArgs(plan: readonly PlanStep[]): { steps: { specialist: string; instruction: string }[] } {
  return { steps: plan.map(({ specialist, instruction }) => ({ specialist, instruction })) };
}

/** approval.plan: one interrupt, nothing before it; the decision shapes the plan. */
export function approvePlanNode(deps: GraphDeps) {
  return (state: GuildStateType, config: LangGraphRunnableConfig): GuildUpdate => {
    const names = new Map(deps.pack.specialists.map((s) => [s.id, s.name]));
    // Each round of feedback is a new revision of the plan; the first plan is revision 1.
    const { allowRespond, terms } = approvalTerms(deps.pack, "plan", state.planRevision - 1, "the plan");
    const request: ApprovalRequest = {
      action_request: { action: "plan", args: planArgs(state.plan) },
      config: { allow_accept: true, allow_edit: true, allow_respond: allowRespond, allow_ignore: true },
      description: `The supervisor proposes ${state.plan.length} step${state.plan.length === 1 ? "" : "s"}: ${state.plan
        .map((s, i) => `${i + 1}. ${names.get(s.specialist) ?? s.specialist}: ${s.instruction}`)
        .join("; ")}`,
      guild: {
        approvalId: approvalId(runIdOf(config), `plan:${state.planRevision}`),
        kind: "plan",
        allowRedirect: false,
        ...terms,
      },
    };
    const decision = interrupt<ApprovalRequest, Decision>(request);
    switch (decision.type) {
      case "approve":
        return {};
      case "edit": {
        const steps = (decision.args as { steps: { specialist: string; instruction: string }[] }).steps;
        const lesson: TaughtLesson = {
          specialist: "supervisor",
          text: `A reviewer changed the plan for "${state.task}" to: ${steps.map((s) => s.specialist).join(", ")}`,
        };
        return {
          plan: steps.map((s, i) => ({
            id: `r${state.planRevision}e${i + 1}`,
            specialist: s.specialist,
            instruction: s.instruction,
            status: "pending",
          })),
          learned: [lesson],
        };
      }
      case "respond":
        return {
          planFeedback: decision.message,
          learned: [{ specialist: "supervisor", text: `Reviewer feedback on a plan: ${decision.message}` }],
        };
      case "reject":
        return { planRejected: decision.message ?? "" };
      case "redirect":
        // Not offered for plans; the runtime refuses it before resuming.
        return {};
    }
  };
}

/** Where the run goes after the plan approval. */
export function afterPlanApproval(state: GuildStateType): "supervisor.plan" | "specialist.start" | "supervisor.answer" {
  if (state.planRejected !== undefined) return "supervisor.answer";
  if (state.planFeedback !== undefined) return "supervisor.plan";
  return "specialist.start";
}
