import { useId, useState, type FormEvent } from "react";
import type { Lesson, LessonScope } from "../../../server/contract/index.ts";
import { ApiError } from "../api/rest.ts";
import { reviseLesson } from "../store/lessons.ts";

/** The longest lesson the server keeps (the PATCH body's rule), checked here first to say so plainly. */
const MAX_LESSON_CHARS = 2000;

/** What is wrong with a lesson's new text, in plain words; undefined when nothing is. */
function textProblem(text: string): string | undefined {
  if (text.trim() === "") return "Write the lesson, or press Cancel to keep it as it was.";
  if (text.trim().length > MAX_LESSON_CHARS)
    return `A lesson is at most ${MAX_LESSON_CHARS.toLocaleString("en-GB")} characters; this one has ${text.trim().length.toLocaleString("en-GB")}.`;
  return undefined;
}

/**
 * A lesson's words and scope, edited in place: Save sends only what changed, Cancel (or Escape)
 * keeps the lesson as it was. The text area takes the focus when it opens.
 */
export function LessonEditForm({ lesson, onSaved, onCancel }: { lesson: Lesson; onSaved: (lesson: Lesson) => void; onCancel: () => void }) {
  const id = useId();
  const [text, setText] = useState(lesson.text);
  const [scope, setScope] = useState<LessonScope>(lesson.scope);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<{ field: "text" | "scope" | "form"; message: string } | undefined>();

  const save = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const wrong = textProblem(text);
    if (wrong) {
      setProblem({ field: "text", message: wrong });
      return;
    }
    const revision = {
      ...(text.trim() !== lesson.text ? { text: text.trim() } : {}),
      ...(scope !== lesson.scope ? { scope } : {}),
    };
    if (Object.keys(revision).length === 0) return onCancel();
    setBusy(true);
    setProblem(undefined);
    try {
      onSaved(await reviseLesson(lesson.id, revision));
    } catch (failure) {
      const field = failure instanceof ApiError && (failure.field === "text" || failure.field === "scope") ? failure.field : "form";
      const gone = failure instanceof ApiError && failure.status === 404;
      setProblem({
        field,
        message: gone
          ? "Someone else forgot this lesson meanwhile; read the list again."
          : `Could not save it: ${(failure as Error).message}`,
      });
      setBusy(false);
    }
  };

  const errorOf = (field: "text" | "scope") =>
    problem?.field === field ? (
      <p id={`${id}-${field}-error`} className="field-error" role="alert">
        {problem.message}
      </p>
    ) : null;
  const described = (field: "text" | "scope") =>
    problem?.field === field ? { "aria-invalid": true, "aria-describedby": `${id}-${field}-error` } : {};

  return (
    <form
      className="lesson-edit"
      aria-label="Edit the lesson"
      noValidate
      onSubmit={(e) => void save(e)}
      onKeyDown={(e) => {
        if (e.key === "Escape" && !busy) {
          e.preventDefault();
          onCancel();
        }
      }}
    >
      <label htmlFor={`${id}-text`}>Lesson</label>
      <textarea
        id={`${id}-text`}
        rows={3}
        value={text}
        disabled={busy}
        autoFocus
        onChange={(e) => setText(e.target.value)}
        {...described("text")}
      />
      {errorOf("text")}
      <fieldset className="lesson-scope" disabled={busy} {...described("scope")}>
        <legend>Recalled by</legend>
        <label className="check">
          <input type="radio" name={`${id}-scope`} value="case" checked={scope === "case"} onChange={() => setScope("case")} />
          {lesson.case ? `only runs about ${lesson.case}` : "only runs about the case its text names"}
        </label>
        <label className="check">
          <input type="radio" name={`${id}-scope`} value="general" checked={scope === "general"} onChange={() => setScope("general")} />
          every run of the pack
        </label>
      </fieldset>
      {errorOf("scope")}
      {problem?.field === "form" ? (
        <p className="field-error" role="alert">
          {problem.message}
        </p>
      ) : null}
      <div className="actions">
        <button type="submit" disabled={busy}>
          Save
        </button>
        <button type="button" disabled={busy} onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
