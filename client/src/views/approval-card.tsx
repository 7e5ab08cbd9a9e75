import { useId, useState } from "react";
import type { Approval, Decision, DecisionType, PackSummary } from "../../../server/contract/index.ts";
import { ApiError } from "../api/rest.ts";
import { approvalStatusLabel, timeLabel } from "../lib/format.ts";
import { runHref } from "../lib/route.ts";
import { useGuild } from "../store/context.tsx";
import type { DecidedElsewhere } from "../store/inbox.ts";
import { EditArgsForm, FeedbackForm, PlanEditForm, RedirectForm, RejectForm, type SendDecision } from "./decision-forms.tsx";
import { FieldList } from "./values.tsx";
import { AuthorityNote, missingRole } from "./authority-note.tsx";
import { useObservable } from "../store/observable.ts";

/** The buttons a card may show, in this order, each only when the approval allows it. */
const LABELS: Record<DecisionType, string> = {
  approve: "Approve",
  edit: "Edit",
  reject: "Reject",
  respond: "Send feedback",
  redirect: "Redirect",
};
const BUTTONS = (Object.keys(LABELS) as DecisionType[]).map((type) => ({ type, label: LABELS[type] }));

type Opened = Exclude<DecisionType, "approve">;

interface PlanArgs {
  steps: { specialist: string; instruction: string }[];
}

const planOf = (approval: Approval): PlanArgs["steps"] => ((approval.action.args as Partial<PlanArgs>).steps ?? []).filter(Boolean);

/** What an edit may change: a final answer's text (its citations stay), or a tool call's arguments. */
function editable(approval: Approval): Record<string, unknown> {
  return approval.kind === "answer" ? { answer: approval.action.args.answer ?? "" } : approval.action.args;
}

function titleOf(approval: Approval): string {
  if (approval.kind === "plan") return "Plan approval";
  if (approval.kind === "answer") return "Final answer approval";
  return approval.action.name;
}

/** What a card that can no longer be decided says. */
function elsewhereText({ approval, attempted }: DecidedElsewhere): string {
  if (approval.status === "expired") {
    // A deadline's rejection carries the policy's reason; an approval whose run ended carries none.
    const reason = approval.decision && "message" in approval.decision ? approval.decision.message : undefined;
    return `No longer pending: it expired (${reason ?? "the run ended before anyone decided"}).`;
  }
  const by = approval.decision?.reviewer ? ` (by ${approval.decision.reviewer})` : "";
  const tried = attempted ? " Your decision was not applied." : "";
  return `Already decided by someone else: ${approvalStatusLabel(approval.status)}${by}.${tried}`;
}

/**
 * One approval: what the action is, why it is asked (high risk marked), the proposed arguments,
 * and the decisions it allows. A decision another reviewer made first is said on the card.
 */
export function ApprovalCard({
  approval,
  elsewhere,
  pack,
  showRun,
}: {
  approval: Approval;
  elsewhere?: DecidedElsewhere | undefined;
  pack?: PackSummary | undefined;
  showRun?: boolean;
}) {
  const guild = useGuild();
  const id = useId();
  const [opened, setOpened] = useState<Opened | undefined>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const names = new Map(pack?.specialists.map((s) => [s.id, s.name]));
  const nameOf = (specialist: string): string => names.get(specialist) ?? specialist;
  const title = titleOf(approval);
  const me = useObservable(guild.me);
  // Approving and editing let the call go ahead: only for those the policy allows (the server says so too).
  const lacksRole = missingRole(approval, me) !== undefined;

  const send: SendDecision = async (decision: Decision) => {
    setBusy(true);
    setError(undefined);
    const reviewer = guild.reviewer.get().trim();
    try {
      const outcome = await guild.inbox.decide(approval, { ...decision, ...(reviewer ? { reviewer } : {}) });
      guild.announcement.set(
        outcome.ok ? `${title}: ${approvalStatusLabel(outcome.approval.status)}.` : `${title}: already decided by someone else.`,
      );
      return undefined;
    } catch (failure) {
      // A refusal that names a field is shown beside it by the form; anything else here.
      if (failure instanceof ApiError && failure.status === 400 && failure.field && failure.field !== "type") return failure;
      setError((failure as Error).message);
      return undefined;
    } finally {
      setBusy(false);
    }
  };

  const open = (type: Opened): void => setOpened((current) => (current === type ? undefined : type));
  const close = (): void => setOpened(undefined);

  return (
    <article
      className={`approval-card${approval.highRisk || approval.violations?.length ? " high-risk" : ""}${elsewhere ? " decided" : ""}`}
      aria-labelledby={`${id}-title`}
      data-approval-id={approval.id}
    >
      <header>
        <h3 id={`${id}-title`}>
          {approval.title ?? title}
          {approval.title ? <span className="by"> · {title}</span> : null}
          {approval.kind === "tool_call" && approval.specialist ? <span className="by"> · {nameOf(approval.specialist)}</span> : null}
        </h3>
        <p className="card-meta">
          {showRun ? (
            <>
              <a href={runHref(approval.runId)}>Open the run</a> ·{" "}
            </>
          ) : null}
          asked <time dateTime={approval.createdAt}>{timeLabel(approval.createdAt)}</time>
        </p>
      </header>
      {approval.violations?.length ? (
        <div className="risk violations" role="alert">
          <strong>Breaks the pack's rules:</strong>
          <ul>
            {approval.violations.map((violation) => (
              <li key={violation}>{violation}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {approval.highRisk ? (
        <p className="risk">
          <strong>High risk:</strong> {approval.highRisk}
        </p>
      ) : null}
      {approval.escalation ? (
        <p className="escalation">
          <strong>Escalated{approval.escalation.to ? ` to ${approval.escalation.to}` : ""}:</strong> {approval.escalation.reason} (
          <time dateTime={approval.escalation.at}>{timeLabel(approval.escalation.at)}</time>)
        </p>
      ) : null}
      <p className="description">{approval.description}</p>
      {approval.context && approval.context.length > 0 ? (
        <dl className="approval-context" aria-label="Context">
          {approval.context.map((fact) => (
            <div key={fact.label}>
              <dt>{fact.label}:</dt>
              <dd>{fact.value}</dd>
            </div>
          ))}
        </dl>
      ) : null}
      {approval.reasons && approval.reasons.length > 0 ? (
        <>
          <h4>Why a reviewer is asked</h4>
          <ul className="reasons">
            {approval.reasons.map((reason, i) => (
              <li key={i}>{reason}</li>
            ))}
          </ul>
        </>
      ) : null}
      {approval.expiresAt && !elsewhere ? (
        <p className="hint">
          Decide by <time dateTime={approval.expiresAt}>{timeLabel(approval.expiresAt)}</time>; after that the pack's policy decides.
        </p>
      ) : null}
      {elsewhere ? null : <AuthorityNote approval={approval} me={me} />}
      <h4>Proposed</h4>
      {approval.kind === "plan" ? (
        <ol className="plan-steps">
          {planOf(approval).map((step, i) => (
            <li key={i}>
              <strong>{nameOf(step.specialist)}</strong>: {step.instruction}
            </li>
          ))}
        </ol>
      ) : (
        <FieldList
          fields={
            approval.shown ? Object.fromEntries(Object.values(approval.shown).map((arg) => [arg.label, arg.value])) : approval.action.args
          }
        />
      )}

      {elsewhere ? (
        <div className="notice" role="status">
          <p>{elsewhereText(elsewhere)}</p>
          <button type="button" onClick={() => guild.inbox.dismiss(approval.id)}>
            Dismiss
          </button>
        </div>
      ) : (
        <>
          <div className="actions" role="group" aria-label={`Decide: ${title}`}>
            {BUTTONS.filter((b) => approval.allowed[b.type]).map((b) =>
              b.type === "approve" ? (
                <button
                  key={b.type}
                  type="button"
                  className="primary"
                  disabled={busy || lacksRole}
                  onClick={() => void send({ type: "approve" })}
                >
                  {b.label}
                </button>
              ) : (
                <button
                  key={b.type}
                  type="button"
                  disabled={busy || (b.type === "edit" && lacksRole)}
                  aria-expanded={opened === b.type}
                  onClick={() => open(b.type as Opened)}
                >
                  {b.label}
                </button>
              ),
            )}
          </div>
          {opened === "edit" && approval.kind === "plan" ? (
            <PlanEditForm steps={planOf(approval)} pack={pack} busy={busy} send={send} cancel={close} />
          ) : null}
          {opened === "edit" && approval.kind !== "plan" ? (
            <EditArgsForm args={editable(approval)} busy={busy} send={send} cancel={close} />
          ) : null}
          {opened === "reject" ? <RejectForm busy={busy} send={send} cancel={close} /> : null}
          {opened === "respond" ? <FeedbackForm busy={busy} send={send} cancel={close} /> : null}
          {opened === "redirect" ? (
            <RedirectForm pack={pack} proposer={approval.specialist} busy={busy} send={send} cancel={close} />
          ) : null}
          {error ? (
            <p className="field-error" role="alert">
              {error}
            </p>
          ) : null}
        </>
      )}
    </article>
  );
}
