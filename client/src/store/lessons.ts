import { useCallback, useEffect, useState } from "react";
import type { Lesson, LessonScope } from "../../../server/contract/index.ts";
import { api, ApiError } from "../api/rest.ts";

/** Which lessons to list: one pack's, one specialist's (or the supervisor's), or all. */
export interface LessonFilter {
  pack?: string | undefined;
  specialist?: string | undefined;
}

export interface LessonsState {
  /** Newest first, as the server lists them. */
  lessons: readonly Lesson[];
  loaded: boolean;
  error?: string;
}

/** How a forget ended: forgotten now, or already gone (someone else forgot it first: 404). */
export type ForgetOutcome = "forgotten" | "gone";

/** Forgets a lesson (`DELETE /api/lessons/:id`); rejects with the ApiError for anything but a 404. */
export async function forgetLesson(id: string): Promise<ForgetOutcome> {
  try {
    await api<{ lesson: Lesson }>("DELETE", `/api/lessons/${encodeURIComponent(id)}`);
    return "forgotten";
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return "gone";
    throw error;
  }
}

/** Edits a lesson's text or scope (`PATCH /api/lessons/:id`); resolves with it as edited, rejects with the ApiError. */
export async function reviseLesson(id: string, revision: { text?: string; scope?: LessonScope }): Promise<Lesson> {
  return (await api<{ lesson: Lesson }>("PATCH", `/api/lessons/${encodeURIComponent(id)}`, revision)).lesson;
}

/**
 * The lessons of a filter (`GET /api/lessons`), read when the filter changes and on `reload`;
 * `remove` takes one off the list and `replace` puts an edited one in its place, without reading it again.
 */
export function useLessons(
  filter: LessonFilter,
): LessonsState & { reload: () => void; remove: (id: string) => void; replace: (lesson: Lesson) => void } {
  const [state, setState] = useState<LessonsState>({ lessons: [], loaded: false });
  const [version, setVersion] = useState(0);
  const { pack, specialist } = filter;
  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` is the signal to read again.
  useEffect(() => {
    // The answer to an older filter, arriving late, is dropped.
    let current = true;
    const query = new URLSearchParams({ ...(pack ? { pack } : {}), ...(specialist ? { specialist } : {}) }).toString();
    api<{ lessons: Lesson[] }>("GET", `/api/lessons${query ? `?${query}` : ""}`).then(
      ({ lessons }) => current && setState({ lessons, loaded: true }),
      (error: Error) => current && setState((last) => ({ ...last, loaded: true, error: error.message })),
    );
    return () => {
      current = false;
    };
  }, [pack, specialist, version]);
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  const remove = useCallback((id: string) => setState((last) => ({ ...last, lessons: last.lessons.filter((l) => l.id !== id) })), []);
  const replace = useCallback(
    (lesson: Lesson) => setState((last) => ({ ...last, lessons: last.lessons.map((l) => (l.id === lesson.id ? lesson : l)) })),
    [],
  );
  return { ...state, reload, remove, replace };
}
