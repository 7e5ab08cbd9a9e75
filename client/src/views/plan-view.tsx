import type { PlanView as Plan, StepState, SupervisorState } from "../lib/plan.ts";
import { approvalStatusLabel } from "../lib/format.ts";

const STEP_LABEL: Record<StepState, string> = {
  pending: "to do",
  active: "working",
  done: "done",
  redirected: "redirected",
  skipped: "not done",
};

const SUPERVISOR: Record<SupervisorState, string | undefined> = {
  idle: undefined,
  planning: "The supervisor is planning…",
  awaiting_plan_approval: "The plan waits for a reviewer's approval.",
  answering: "The supervisor is writing the answer…",
  answered: "The supervisor has written the answer.",
};

/** The plan: each step's specialist and instruction, which are done and which is active. */
export function PlanView({ plan, nameOf }: { plan: Plan; nameOf: (id: unknown) => string }) {
  const note = SUPERVISOR[plan.supervisor];
  return (
    <section className="panel plan" aria-labelledby="plan-title">
      <h2 id="plan-title">
        Plan
        {plan.approval ? (
          <span className="hint"> · {plan.approval === "pending" ? "awaiting approval" : approvalStatusLabel(plan.approval)}</span>
        ) : null}
      </h2>
      {plan.steps.length === 0 ? <p className="hint">No plan yet.</p> : null}
      <ol className="plan-steps">
        {plan.steps.map((step, i) => (
          <li key={step.id ?? `i${i}`} className={`step step-${step.state}`} aria-current={step.state === "active" ? "step" : undefined}>
            <span className={`step-state state-${step.state}`}>{STEP_LABEL[step.state]}</span>
            <strong>{nameOf(step.specialist)}</strong>
            <span className="instruction">{step.instruction}</span>
          </li>
        ))}
      </ol>
      {note ? <p className="hint">{note}</p> : null}
    </section>
  );
}
