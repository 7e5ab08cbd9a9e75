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

/**
 * Lessons under a heading per learner, in the packs' order (the supervisor, then the specialists),
 * newest first under each; a learner the packs no longer name comes last, under its id.
 */
function byLearner(lessons: readonly Lesson[], learners: readonly Learner[]): { key: string; learner: Learner; lessons: Lesson[] }[] {
  const known = new Map(learners.map((learner, at) => [learner.key, { learner, at }]));
  const groups = new Map<string, { key: string; learner: Learner; lessons: Lesson[] }>();
  for (const lesson of lessons) {
    const key = `${lesson.pack}/${lesson.specialist}`;
    const learner = known.get(key)?.learner ?? {
      key,
      pack: lesson.pack,
      specialist: lesson.specialist,
      name: lesson.specialist,
    };
    const group = groups.get(key) ?? { key, learner, lessons: [] };
    group.lessons.push(lesson);
    groups.set(key, group);
  }
  const rank = (key: string): number => known.get(key)?.at ?? known.size;
  return [...groups.values()].sort((a, b) => rank(a.key) - rank(b.key));
}

/** What reviewers taught the specialists, by specialist, newest first, filtered by specialist; each can be edited or forgotten. */
export function LessonsView() {
  const guild = useGuild();
  const { packs } = useObservable(guild.server);
  const groups = useMemo(() => learnersOf(packs), [packs]);
  const learners = useMemo(() => groups.flatMap((g) => g.learners), [groups]);
  const [selected, setSelected] = useState("");
  const learner = learners.find((l) => l.key === selected);
  const { lessons, loaded, error, reload, remove, replace } = useLessons({ pack: learner?.pack, specialist: learner?.specialist });
  const sections = byLearner(lessons, learners);
  const [notice, setNotice] = useState("");
  const heading = useRef<HTMLHeadingElement>(null);
  const list = useRef<HTMLDivElement>(null);
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
    learners.find((l) => l.pack === lesson.pack && l.specialist === lesson.specialist)?.name ?? lesson.specialist;
  const packNameOf = (pack: string): string | undefined =>
    packs.length > 1 ? (packs.find((p) => p.id === pack)?.name ?? pack) : undefined;
  const about = (lesson: Lesson): string => `${nameOf(lesson)}${lesson.tool ? `, ${lesson.tool}` : ""}`;

  const removed = (lesson: Lesson, outcome: ForgetOutcome): void => {
    setNotice(
      outcome === "forgotten"
        ? `Forgotten: the lesson for ${about(lesson)}. Later runs no longer recall it.`
        : `Someone else already forgot the lesson for ${about(lesson)}; it is gone from the list.`,
    );
    // The lessons as the page shows them, section by section: the Forget buttons' order.
    focusAt.current = sections.flatMap((section) => section.lessons).findIndex((l) => l.id === lesson.id);
    remove(lesson.id);
  };

  const edited = (lesson: Lesson): void => {
    setNotice(`Saved: the lesson for ${about(lesson)}. Later runs recall it as edited.`);
    replace(lesson);
  };

  return (
    <section className="lessons" aria-labelledby="lessons-title">
      <h1 id="lessons-title" ref={heading} tabIndex={-1}>
        Lessons <span className="count">{lessons.length}</span>
      </h1>
      <p className="hint">
        What reviewers taught the specialists with their edits, feedback and redirects, by specialist, newest first. Later runs of the pack
        recall them (a lesson about one case only in runs about that case); edit one that needs other words, forget one that no longer
        holds.
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
      <div ref={list}>
        {sections.map((section) => (
          <section className="lesson-group" key={section.key} aria-labelledby={`lessons-of-${section.key}`}>
            <h2 id={`lessons-of-${section.key}`}>
              {section.learner.name}
              {packNameOf(section.learner.pack) ? <span className="hint"> · {packNameOf(section.learner.pack)}</span> : null}{" "}
              <span className="count">{section.lessons.length}</span>
            </h2>
            <ol className="lesson-list">
              {section.lessons.map((lesson) => (
                <LessonItem
                  key={lesson.id}
                  lesson={lesson}
                  learner={nameOf(lesson)}
                  packName={packNameOf(lesson.pack)}
                  onRemoved={removed}
                  onEdited={edited}
                />
              ))}
            </ol>
          </section>
        ))}
      </div>
      <WebhooksList />
    </section>
  );
}
