import { useEffect, useMemo, useRef, useState } from "react";
import type { Lesson, PackSummary } from "../../../server/contract/index.ts";
import { useGuild } from "../store/context.tsx";
import { useLessons, type ForgetOutcome } from "../store/lessons.ts";
import { useObservable } from "../store/observable.ts";
import { LessonItem } from "./lesson-item.tsx";
import { WebhooksList } from "./webhooks-list.tsx";

/** The supervisor learns too (plan edits, answer feedback); its lessons are filed under this id. */
const SUPERVISOR = "supervisor";

interface Learner {
  /** The select's value: `<pack>/<specialist>`. */
  key: string;
  pack: string;
  specialist: string;
  name: string;
}

/** Everyone in each pack who can be taught: the supervisor and the specialists. */
function learnersOf(packs: readonly PackSummary[]): { pack: PackSummary; learners: Learner[] }[] {
  return packs.map((pack) => ({
    pack,
    learners: [{ id: SUPERVISOR, name: "Supervisor" }, ...pack.specialists].map((s) => ({
      key: `${pack.id}/${s.id}`,
      pack: pack.id,
      specialist: s.id,
      name: s.name,
    })),
  }));
}

/** What reviewers taught the specialists, newest first, filtered by specialist; each can be forgotten. */
export function LessonsView() {
  const guild = useGuild();
  const { packs } = useObservable(guild.server);
  const groups = useMemo(() => learnersOf(packs), [packs]);
  const [selected, setSelected] = useState("");
  const learner = groups.flatMap((g) => g.learners).find((l) => l.key === selected);
  const { lessons, loaded, error, reload, remove } = useLessons({ pack: learner?.pack, specialist: learner?.specialist });
  const [notice, setNotice] = useState("");
  const heading = useRef<HTMLHeadingElement>(null);
  const list = useRef<HTMLOListElement>(null);
  /** Where the focus goes once a forgotten lesson has left the list: the Forget button now in its place. */
  const focusAt = useRef<number | undefined>(undefined);

  useEffect(() => heading.current?.focus(), []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: focus moves once the list has changed.
  useEffect(() => {
    if (focusAt.current === undefined) return;
    const buttons = list.current?.querySelectorAll<HTMLButtonElement>("button.forget") ?? [];
    (buttons[Math.min(focusAt.current, buttons.length - 1)] ?? heading.current)?.focus();
    focusAt.current = undefined;
  }, [lessons]);

  const nameOf = (lesson: Lesson): string =>
    groups.find((g) => g.pack.id === lesson.pack)?.learners.find((l) => l.specialist === lesson.specialist)?.name ?? lesson.specialist;
  const packNameOf = (lesson: Lesson): string | undefined =>
    packs.length > 1 ? (packs.find((p) => p.id === lesson.pack)?.name ?? lesson.pack) : undefined;

  const removed = (lesson: Lesson, outcome: ForgetOutcome): void => {
    const about = `${nameOf(lesson)}${lesson.tool ? `, ${lesson.tool}` : ""}`;
    setNotice(
      outcome === "forgotten"
        ? `Forgotten: the lesson for ${about}. Later runs no longer recall it.`
        : `Someone else already forgot the lesson for ${about}; it is gone from the list.`,
    );
    focusAt.current = lessons.findIndex((l) => l.id === lesson.id);
    remove(lesson.id);
  };

  return (
    <section className="lessons" aria-labelledby="lessons-title">
      <h1 id="lessons-title" ref={heading} tabIndex={-1}>
        Lessons <span className="count">{lessons.length}</span>
      </h1>
      <p className="hint">
        What reviewers taught the specialists with their edits, feedback and redirects, newest first. Later runs of the pack recall them;
        forget one that no longer holds.
      </p>
      <div className="lessons-filter">
        <label htmlFor="lessons-specialist">Specialist</label>
        <select
          id="lessons-specialist"
          value={selected}
          onChange={(e) => {
            setSelected(e.target.value);
            setNotice("");
          }}
        >
          <option value="">All specialists</option>
          {groups.map(({ pack, learners }) => (
            <optgroup key={pack.id} label={pack.name}>
              {learners.map((l) => (
                <option key={l.key} value={l.key}>
                  {l.name}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
        <button type="button" onClick={reload}>
          Read again
        </button>
      </div>
      <p className="notice-line" role="status">
        {notice}
      </p>
      {error ? <p className="field-error">Could not read the lessons: {error}</p> : null}
      {!loaded ? <p className="hint">Loading…</p> : null}
      {loaded && !error && lessons.length === 0 ? (
        <p className="empty">
          {learner ? `No lessons for ${learner.name}.` : "No lessons yet: they are saved when a run a reviewer edited or sent back ends."}
        </p>
      ) : null}
      <ol className="lesson-list" ref={list}>
        {lessons.map((lesson) => (
          <LessonItem key={lesson.id} lesson={lesson} learner={nameOf(lesson)} packName={packNameOf(lesson)} onRemoved={removed} />
        ))}
      </ol>
      <WebhooksList />
    </section>
  );
}
