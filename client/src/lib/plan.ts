import type { ApprovalStatus, RunEvent } from "../../../server/contract/index.ts";

export type StepState = "pending" | "active" | "done" | "redirected" | "skipped";

export interface PlanStepView {
  /** The graph's step id, once known (an edited plan's steps get theirs when they start). */
  id?: string;
  specialist: string;
  instruction: string;
  state: StepState;
}

/** What the supervisor is doing: planning, waiting for the plan's approval, or writing the answer. */
export type SupervisorState = "idle" | "planning" | "awaiting_plan_approval" | "answering" | "answered";

export interface PlanView {
  steps: PlanStepView[];
  revision: number;
  /** How a reviewer decided the latest plan, when the run asked. */
  approval?: ApprovalStatus;
  supervisor: SupervisorState;
}

interface StepData {
  id?: string;
  specialist?: string;
  instruction?: string;
  status?: string;
}

const STEP_STATES = new Set<StepState>(["pending", "active", "done", "redirected"]);

function stepsFrom(raw: unknown): PlanStepView[] {
  if (!Array.isArray(raw)) return [];
  return (raw as StepData[]).map((s) => ({
    ...(s.id ? { id: s.id } : {}),
    specialist: String(s.specialist ?? ""),
    instruction: String(s.instruction ?? ""),
    state: STEP_STATES.has(s.status as StepState) ? (s.status as StepState) : "pending",
  }));
}

/**
 * The run's plan as its events tell it: the steps proposed (or as a reviewer edited them), which
 * are done, which is active. Pure: the same events always give the same plan.
 */
export function derivePlan(events: readonly RunEvent[]): PlanView {
  let plan: PlanView = { steps: [], revision: 0, supervisor: "idle" };
  const setStep = (match: (s: PlanStepView) => boolean, change: (s: PlanStepView) => PlanStepView): void => {
    const index = plan.steps.findIndex(match);
    if (index >= 0) plan = { ...plan, steps: plan.steps.map((s, i) => (i === index ? change(s) : s)) };
  };

  for (const event of events) {
    switch (event.type) {
      case "node.started": {
        const d = event.data;
        if (d.node === "supervisor.plan") plan = { ...plan, supervisor: "planning" };
        else if (d.node === "supervisor.answer") plan = { ...plan, supervisor: "answering" };
        else {
          // A step of an edited plan is known by its place: the first pending step of that specialist.
          const known = plan.steps.some((s) => s.id === d.stepId);
          setStep(
            (s) => (known ? s.id === d.stepId : s.state === "pending" && s.specialist === d.specialist),
            (s) => ({ ...s, ...(d.stepId ? { id: d.stepId } : {}), state: "active" }),
          );
        }
        break;
      }
      case "node.completed": {
        const d = event.data;
        if (d.node === "specialist")
          setStep(
            (s) => s.id === d.stepId,
            (s) => ({ ...s, state: d.redirectedTo ? "redirected" : "done" }),
          );
        break;
      }
      case "plan.proposed": {
        const d = event.data;
        const { approval: _, ...rest } = plan;
        plan = {
          ...rest,
          steps: stepsFrom(d.steps),
          revision: d.revision,
          supervisor: "idle",
          ...(d.reason === "redirect" && plan.approval ? { approval: plan.approval } : {}),
        };
        break;
      }
      case "approval.requested":
        if (event.data.approval.kind === "plan") plan = { ...plan, approval: "pending", supervisor: "awaiting_plan_approval" };
        break;
      case "approval.resolved": {
        const d = event.data;
        if (d.kind !== "plan") break;
        plan = { ...plan, approval: d.status, supervisor: "idle" };
        // An edited plan's steps are the reviewer's arguments: checked by the server, read with care here.
        if (d.status === "edited" && d.decision?.type === "edit") plan = { ...plan, steps: stepsFrom(d.decision.args.steps) };
        if (d.status === "rejected" || d.status === "expired")
          plan = { ...plan, steps: plan.steps.map((s) => (s.state === "pending" ? { ...s, state: "skipped" } : s)) };
        break;
      }
      case "message":
        if (event.data.node === "supervisor.answer") plan = { ...plan, supervisor: "answered" };
        break;
      case "run.failed":
      case "run.cancelled":
        plan = {
          ...plan,
          steps: plan.steps.map((s) => (s.state === "pending" || s.state === "active" ? { ...s, state: "skipped" } : s)),
          supervisor: plan.supervisor === "answered" ? "answered" : "idle",
        };
        break;
    }
  }
  return plan;
}
