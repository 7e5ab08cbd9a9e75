import { useEffect, useId, useRef, useState } from "react";
import type { Lesson } from "../../../server/contract/index.ts";
import { firstLine, shortId, timeLabel } from "../lib/format.ts";
import { runHref } from "../lib/route.ts";
import { forgetLesson, type ForgetOutcome } from "../store/lessons.ts";

/**
 * One lesson: whom it was taught to, about which tool, when and in which run, its text, and a
 * Forget button that asks to confirm in place before it deletes.
 */
export function LessonItem({
  lesson,
  learner,
  packName,
  onRemoved,
}: {
  lesson: Lesson;
  learner: string;
  packName?: string | undefined;
  onRemoved: (lesson: Lesson, outcome: ForgetOutcome) => void;
}) {
  const id = useId();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const forgetButton = useRef<HTMLButtonElement>(null);
  const yesButton = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef(false);

  // The confirmation takes the focus; cancelling gives it back to Forget.
  useEffect(() => {
    if (confirming) yesButton.current?.focus();
    else if (returnFocus.current) {
      returnFocus.current = false;
      forgetButton.current?.focus();
    }
  }, [confirming]);

  const cancel = (): void => {
    returnFocus.current = true;
    setConfirming(false);
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
            <a href={runHref(lesson.runId)}>run {shortId(lesson.runId)}</a>
          </span>
        ) : null}
      </p>
      <p className="lesson-text" id={`${id}-text`}>
        {lesson.text}
      </p>
      {confirming ? (
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
        <button ref={forgetButton} type="button" className="forget" onClick={() => setConfirming(true)}>
          Forget<span className="visually-hidden"> the lesson: {firstLine(lesson.text, 60)}</span>
        </button>
      )}
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </li>
  );
}
