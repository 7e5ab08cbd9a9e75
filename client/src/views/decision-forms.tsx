import { useId, useRef, useState, type FormEvent, type ReactNode } from "react";
import type { Decision, PackSummary } from "../../../server/contract/index.ts";
import type { ApiError } from "../api/rest.ts";
import { argFields, argOfField, checkPlan, draftOf, parseDraft, type Draft, type PlanStepDraft } from "../lib/edit-args.ts";

/** Sends a decision; resolves with a 400 that names a field, for the form to show beside it. */
export type SendDecision = (decision: Decision) => Promise<ApiError | undefined>;

interface FormProps {
  busy: boolean;
  send: SendDecision;
  cancel: () => void;
}

function ErrorText({ id, text }: { id: string; text: string | undefined }) {
  return text ? (
    <p id={id} className="field-error">
      {text}
    </p>
  ) : null;
}

function DecisionForm({
  label,
  submit,
  busy,
  cancel,
  onSubmit,
  children,
}: {
  label: string;
  submit: string;
  busy: boolean;
  cancel: () => void;
  onSubmit: () => void;
  children: ReactNode;
}) {
  const handle = (event: FormEvent): void => {
    event.preventDefault();
    onSubmit();
  };
  return (
    <form className="decision-form" aria-label={label} onSubmit={handle} noValidate>
      {children}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {submit}
        </button>
        <button type="button" onClick={cancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** Edit: every proposed argument, each kept to its type; checked before sending. */
export function EditArgsForm({ args, ...props }: FormProps & { args: Record<string, unknown> }) {
  const id = useId();
  const fields = argFields(args);
  const [draft, setDraft] = useState<Draft>(() => draftOf(args));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<string | undefined>();

  const submit = async (): Promise<void> => {
    const parsed = parseDraft(fields, draft);
    setErrors(parsed.errors);
    setGeneral(undefined);
    if (!parsed.args) return;
    const refused = await props.send({ type: "edit", args: parsed.args });
    if (!refused) return;
    const field = argOfField(refused.field);
    if (field && fields.some((f) => f.name === field)) setErrors({ [field]: refused.message });
    else setGeneral(refused.message);
  };

  return (
    <DecisionForm
      label="Edit the arguments"
      submit="Approve with these arguments"
      busy={props.busy}
      cancel={props.cancel}
      onSubmit={() => void submit()}
    >
      {fields.map((field, i) => {
        const inputId = `${id}-${i}`;
        const errorId = `${inputId}-error`;
        const common = {
          id: inputId,
          "aria-invalid": errors[field.name] ? true : undefined,
          "aria-describedby": errors[field.name] ? errorId : undefined,
          autoFocus: i === 0,
        } as const;
        const value = draft[field.name];
        const set = (next: string | boolean): void => setDraft((d) => ({ ...d, [field.name]: next }));
        return (
          <div className="form-row" key={field.name}>
            {field.kind === "boolean" ? (
              <label className="check">
                <input type="checkbox" {...common} checked={value === true} onChange={(e) => set(e.target.checked)} />
                {field.name}
              </label>
            ) : (
              <>
                <label htmlFor={inputId}>
                  {field.name} <span className="hint">({field.kind === "json" ? "JSON" : field.kind})</span>
                </label>
                {field.multiline ? (
                  <textarea {...common} rows={field.kind === "json" ? 4 : 6} value={String(value)} onChange={(e) => set(e.target.value)} />
                ) : (
                  <input
                    {...common}
                    type="text"
                    inputMode={field.kind === "number" ? "decimal" : undefined}
                    value={String(value)}
                    onChange={(e) => set(e.target.value)}
                  />
                )}
              </>
            )}
            <ErrorText id={errorId} text={errors[field.name]} />
          </div>
        );
      })}
      <ErrorText id={`${id}-general`} text={general} />
    </DecisionForm>
  );
}

/** Edit a plan: reassign each step, reorder, remove or add steps; checked before sending. */
export function PlanEditForm({
  steps: proposed,
  pack,
  ...props
}: FormProps & { steps: { specialist: string; instruction: string }[]; pack?: PackSummary | undefined }) {
  const id = useId();
  const next = useRef(proposed.length);
  const [steps, setSteps] = useState<PlanStepDraft[]>(() => proposed.map((s, i) => ({ key: `s${i}`, ...s })));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const specialists = pack?.specialists ?? [];
  const known = new Set(specialists.map((s) => s.id));

  const change = (index: number, patch: Partial<PlanStepDraft>): void =>
    setSteps((all) => all.map((s, i) => (i === index ? { ...s, ...patch } : s)));
  const move = (index: number, by: -1 | 1): void =>
    setSteps((all) => {
      const to = index + by;
      if (to < 0 || to >= all.length) return all;
      const copy = [...all];
      [copy[index], copy[to]] = [copy[to]!, copy[index]!];
      return copy;
    });
  const remove = (index: number): void => setSteps((all) => all.filter((_, i) => i !== index));
  const add = (): void => setSteps((all) => [...all, { key: `s${next.current++}`, specialist: specialists[0]?.id ?? "", instruction: "" }]);

  const submit = async (): Promise<void> => {
    const found = checkPlan(steps, known);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    const refused = await props.send({
      type: "edit",
      args: { steps: steps.map(({ specialist, instruction }) => ({ specialist, instruction: instruction.trim() })) },
    });
    if (refused) setErrors({ [refused.field?.replace(/^args\./, "") ?? "steps"]: refused.message });
  };

  return (
    <DecisionForm label="Edit the plan" submit="Approve edited plan" busy={props.busy} cancel={props.cancel} onSubmit={() => void submit()}>
      <ol className="plan-editor">
        {steps.map((step, i) => {
          const rowId = `${id}-${step.key}`;
          const specialistError = errors[`steps.${i}.specialist`];
          const instructionError = errors[`steps.${i}.instruction`];
          return (
            <li key={step.key}>
              <fieldset>
                <legend>Step {i + 1}</legend>
                <label htmlFor={`${rowId}-specialist`}>Specialist</label>
                <select
                  id={`${rowId}-specialist`}
                  value={step.specialist}
                  onChange={(e) => change(i, { specialist: e.target.value })}
                  aria-invalid={specialistError ? true : undefined}
                  aria-describedby={specialistError ? `${rowId}-specialist-error` : undefined}
                  autoFocus={i === 0}
                >
                  {known.has(step.specialist) ? null : <option value={step.specialist}>{step.specialist || "(choose)"}</option>}
                  {specialists.map((s) => (
                    <option key={s.id} value={s.id}>
                      {s.name}
                    </option>
                  ))}
                </select>
                <ErrorText id={`${rowId}-specialist-error`} text={specialistError} />
                <label htmlFor={`${rowId}-instruction`}>Instruction</label>
                <textarea
                  id={`${rowId}-instruction`}
                  rows={2}
                  value={step.instruction}
                  onChange={(e) => change(i, { instruction: e.target.value })}
                  aria-invalid={instructionError ? true : undefined}
                  aria-describedby={instructionError ? `${rowId}-instruction-error` : undefined}
                />
                <ErrorText id={`${rowId}-instruction-error`} text={instructionError} />
                <div className="step-tools">
                  <button type="button" onClick={() => move(i, -1)} disabled={i === 0} aria-label={`Move step ${i + 1} up`}>
                    Move up
                  </button>
                  <button type="button" onClick={() => move(i, 1)} disabled={i === steps.length - 1} aria-label={`Move step ${i + 1} down`}>
                    Move down
                  </button>
                  <button type="button" onClick={() => remove(i)} aria-label={`Remove step ${i + 1}`}>
                    Remove
                  </button>
                </div>
              </fieldset>
            </li>
          );
        })}
      </ol>
      <button type="button" onClick={add} disabled={specialists.length === 0}>
        Add a step
      </button>
      <ErrorText id={`${id}-steps-error`} text={errors.steps} />
    </DecisionForm>
  );
}

/** Reject: do not do it; the run goes on without it, and the answer says so. */
export function RejectForm(props: FormProps) {
  const id = useId();
  const [message, setMessage] = useState("");
  return (
    <DecisionForm
      label="Reject"
      submit="Confirm reject"
      busy={props.busy}
      cancel={props.cancel}
      onSubmit={() => void props.send({ type: "reject", ...(message.trim() ? { message: message.trim() } : {}) })}
    >
      <label htmlFor={`${id}-reason`}>Reason (optional)</label>
      <textarea id={`${id}-reason`} rows={2} value={message} onChange={(e) => setMessage(e.target.value)} autoFocus />
    </DecisionForm>
  );
}

/** Send feedback: not yet; the specialist revises with this message and asks again. */
export function FeedbackForm(props: FormProps) {
  const id = useId();
  const [message, setMessage] = useState("");
  const [error, setError] = useState<string | undefined>();
  const submit = async (): Promise<void> => {
    if (!message.trim()) return setError("Write the feedback for the specialist.");
    setError(undefined);
    const refused = await props.send({ type: "respond", message: message.trim() });
    if (refused) setError(refused.message);
  };
  return (
    <DecisionForm label="Send feedback" submit="Send" busy={props.busy} cancel={props.cancel} onSubmit={() => void submit()}>
      <label htmlFor={`${id}-feedback`}>Feedback</label>
      <textarea
        id={`${id}-feedback`}
        rows={3}
        value={message}
        onChange={(e) => setMessage(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-feedback-error` : undefined}
        autoFocus
      />
      <ErrorText id={`${id}-feedback-error`} text={error} />
    </DecisionForm>
  );
}

/** Redirect: hand the step to another specialist of the pack, with an instruction. */
export function RedirectForm({ pack, proposer, ...props }: FormProps & { pack?: PackSummary | undefined; proposer?: string | undefined }) {
  const id = useId();
  const others = (pack?.specialists ?? []).filter((s) => s.id !== proposer);
  const [specialist, setSpecialist] = useState(others[0]?.id ?? "");
  const [message, setMessage] = useState("");
  const [error, setError] = useState<string | undefined>();
  const submit = async (): Promise<void> => {
    if (!others.some((s) => s.id === specialist)) return setError("Choose a specialist.");
    setError(undefined);
    const refused = await props.send({ type: "redirect", specialist, ...(message.trim() ? { message: message.trim() } : {}) });
    if (refused) setError(refused.message);
  };
  return (
    <DecisionForm label="Redirect" submit="Hand over" busy={props.busy} cancel={props.cancel} onSubmit={() => void submit()}>
      <label htmlFor={`${id}-specialist`}>Specialist</label>
      <select
        id={`${id}-specialist`}
        value={specialist}
        onChange={(e) => setSpecialist(e.target.value)}
        aria-describedby={error ? `${id}-error` : undefined}
        autoFocus
      >
        {others.map((s) => (
          <option key={s.id} value={s.id}>
            {s.name}
          </option>
        ))}
      </select>
      <label htmlFor={`${id}-instruction`}>Instruction</label>
      <textarea
        id={`${id}-instruction`}
        rows={2}
        value={message}
        onChange={(e) => setMessage(e.target.value)}
        placeholder="Leave empty to keep the step's instruction."
      />
      <ErrorText id={`${id}-error`} text={error} />
    </DecisionForm>
  );
}
