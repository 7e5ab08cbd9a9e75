import { useEffect, useId, useState, type FormEvent } from "react";
import type { Run, StartRunInput } from "../../../server/contract/index.ts";
import { api, ApiError } from "../api/rest.ts";
import { runHref } from "../lib/route.ts";
import { useGuild } from "../store/context.tsx";
import { useObservable } from "../store/observable.ts";

const MAX_TASK = 20_000;

type Errors = Partial<Record<"task" | "pack" | "planApproval" | "form", string>>;

/** Which input a server's `details.field` names. */
function fieldOf(field: string | undefined): keyof Errors {
  if (field === "task" || field === "pack") return field;
  if (field?.endsWith("planApproval")) return "planApproval";
  return "form";
}

/** `Task`, a pack, `Plan approval`, `Start run`: POST /api/runs, then the run's view. */
export function StartRunForm() {
  const guild = useGuild();
  const { packs } = useObservable(guild.server);
  const [task, setTask] = useState("");
  const [pack, setPack] = useState("");
  const [planApproval, setPlanApproval] = useState(false);
  const [errors, setErrors] = useState<Errors>({});
  const [sending, setSending] = useState(false);
  const id = useId();

  // The pack's own default for plan approval, once the packs are known.
  const chosen = packs.find((p) => p.id === pack) ?? packs[0];
  useEffect(() => {
    if (!chosen || pack) return;
    setPack(chosen.id);
    setPlanApproval(chosen.planApproval);
  }, [chosen, pack]);

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const trimmed = task.trim();
    if (!trimmed) return setErrors({ task: "Describe the task." });
    if (task.length > MAX_TASK)
      return setErrors({ task: `At most ${MAX_TASK.toLocaleString()} characters (this has ${task.length.toLocaleString()}).` });
    setErrors({});
    setSending(true);
    try {
      const body: StartRunInput = { task, ...(pack ? { pack } : {}), options: { planApproval } };
      const { run } = await api<{ run: Run }>("POST", "/api/runs", body);
      setTask("");
      guild.announcement.set("Run started.");
      void guild.runs.refresh();
      window.location.hash = runHref(run.id);
    } catch (error) {
      const field = error instanceof ApiError ? fieldOf(error.field) : "form";
      setErrors({ [field]: (error as Error).message });
    } finally {
      setSending(false);
    }
  };

  const described = (name: keyof Errors, ...more: string[]): string | undefined =>
    [errors[name] ? `${id}-${name}-error` : "", ...more].filter(Boolean).join(" ") || undefined;
  const errorText = (name: keyof Errors) =>
    errors[name] ? (
      <p id={`${id}-${name}-error`} className="field-error">
        {errors[name]}
      </p>
    ) : null;

  return (
    <form className="panel start-run" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Start a run</h2>
      <label htmlFor={`${id}-task`}>Task</label>
      <textarea
        id={`${id}-task`}
        value={task}
        onChange={(e) => setTask(e.target.value)}
        rows={5}
        aria-invalid={errors.task ? true : undefined}
        aria-describedby={described("task")}
        placeholder="What should the specialists do? e.g. a claim number and what to check, pay or write."
      />
      {errorText("task")}
      <label htmlFor={`${id}-pack`}>Pack</label>
      <select
        id={`${id}-pack`}
        value={chosen?.id ?? ""}
        onChange={(e) => {
          setPack(e.target.value);
          setPlanApproval(packs.find((p) => p.id === e.target.value)?.planApproval ?? false);
        }}
        aria-invalid={errors.pack ? true : undefined}
        aria-describedby={described("pack", `${id}-pack-about`)}
      >
        {packs.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
      </select>
      {chosen ? (
        <p id={`${id}-pack-about`} className="hint">
          {chosen.specialists.map((s) => s.name).join(", ")}
        </p>
      ) : null}
      {errorText("pack")}
      <label className="check">
        <input
          type="checkbox"
          checked={planApproval}
          onChange={(e) => setPlanApproval(e.target.checked)}
          aria-describedby={described("planApproval", `${id}-plan-about`)}
        />
        Plan approval
      </label>
      <p id={`${id}-plan-about`} className="hint">
        A reviewer approves the plan before any step runs.
      </p>
      {errorText("planApproval")}
      <button type="submit" disabled={sending}>
        {sending ? "Starting…" : "Start run"}
      </button>
      {errors.form ? (
        <p className="field-error" role="alert">
          {errors.form}
        </p>
      ) : null}
    </form>
  );
}
