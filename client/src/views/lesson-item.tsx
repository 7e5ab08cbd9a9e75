import { useEffect, useId, useRef, useState } from "react";
import type { Lesson } from "../../../server/contract/index.ts";
import { firstLine, shortId, timeLabel } from "../lib/format.ts";
import { runHref } from "../lib/route.ts";
import { forgetLesson, type ForgetOutcome } from "../store/lessons.ts";
import { LessonEditForm } from "./lesson-edit-form.tsx";

/**
 * One lesson: whom it was taught to, about which tool, when and in which run, whether it is about
 * one case, its text; an Edit button that edits it in place, and a Forget button that asks to
 * confirm in place before it deletes.
 */
export function LessonItem({
  lesson,
  learner,
  packName,
  onRemoved,
  onEdited,
}: {
  lesson: Lesson;
  learner: string;
  packName?: string | undefined;
  onRemoved: (lesson: Lesson, outcome: ForgetOutcome) => void;
  onEdited: (lesson: Lesson) => void;
}) {
  const id = useId();
  const [confirming, setConfirming] = useState(false);
  const [editing, setEditing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const forgetButton = useRef<HTMLButtonElement>(null);
  const editButton = useRef<HTMLButtonElement>(null);
  const yesButton = useRef<HTMLButtonElement>(null);
  /** The button the focus goes back to once the confirmation or the edit closes (and the button is back). */
  const returnFocus = useRef<"edit" | "forget" | undefined>(undefined);

  // The confirmation takes the focus (the edit form's text area takes it itself); closing either gives it back.
  useEffect(() => {
    if (confirming) yesButton.current?.focus();
    else if (!editing && returnFocus.current) {
      (returnFocus.current === "edit" ? editButton : forgetButton).current?.focus();
      returnFocus.current = undefined;
    }
  }, [confirming, editing]);

  const cancel = (): void => {
    returnFocus.current = "forget";
    setConfirming(false);
  };

  const closeEdit = (): void => {
    returnFocus.current = "edit";
    setEditing(false);
  };

  const forget = async (): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      onRemoved(lesson, await forgetLesson(lesson.id));
    } catch (failure) {
      setError(`Could not forget it: ${(failure as Error).message}`);
      setBusy(false);
    }
  };

  return (
    <li className="lesson" data-lesson-id={lesson.id} aria-labelledby={`${id}-who`}>
      <p className="lesson-meta">
        <strong id={`${id}-who`}>
          {learner}
          {lesson.tool ? <> · {lesson.tool}</> : null}
        </strong>
        {packName ? <span> · {packName}</span> : null}
        <span>
          {" · taught "}
          <time dateTime={lesson.createdAt}>{timeLabel(lesson.createdAt)}</time>
        </span>
        {lesson.runId ? (
          <span>
            {" in "}
            <a href={runHref(lesson.runId)}>
              {lesson.taught > 1 ? "latest " : ""}run {shortId(lesson.runId)}
            </a>
          </span>
        ) : null}
        {lesson.taught > 1 ? <span className="lesson-taught"> · taught {lesson.taught} times</span> : null}
        {lesson.editedAt ? (
          <span>
            {" · edited "}
            <time dateTime={lesson.editedAt}>{timeLabel(lesson.editedAt)}</time>
          </span>
        ) : null}
        <span className="lesson-scope"> · {lesson.scope === "case" ? `about ${lesson.case ?? "one case"} only` : "general"}</span>
      </p>
      {editing ? (
        <LessonEditForm
          lesson={lesson}
          onCancel={closeEdit}
          onSaved={(edited) => {
            closeEdit();
            onEdited(edited);
          }}
        />
      ) : (
        <p className="lesson-text" id={`${id}-text`}>
          {lesson.text}
        </p>
      )}
      {editing ? null : confirming ? (
        <div
          className="confirm"
          role="group"
          aria-label="Confirm: forget this lesson"
          onKeyDown={(e) => e.key === "Escape" && !busy && cancel()}
        >
          <p>Forget it? Later runs will no longer recall it.</p>
          <button
            ref={yesButton}
            type="button"
            className="danger"
            disabled={busy}
            aria-describedby={`${id}-text`}
            onClick={() => void forget()}
          >
            Yes, forget it
          </button>
          <button type="button" disabled={busy} onClick={cancel}>
            Keep it
          </button>
        </div>
      ) : (
        <div className="lesson-actions">
          <button ref={editButton} type="button" className="edit" onClick={() => setEditing(true)}>
            Edit<span className="visually-hidden"> the lesson: {firstLine(lesson.text, 60)}</span>
          </button>
          <button ref={forgetButton} type="button" className="forget" onClick={() => setConfirming(true)}>
            Forget<span className="visually-hidden"> the lesson: {firstLine(lesson.text, 60)}</span>
          </button>
        </div>
      )}
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </li>
  );
}
