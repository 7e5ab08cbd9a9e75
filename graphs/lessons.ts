import { createHash } from "node:crypto";
import type { BaseStore, Item } from "@langchain/langgraph-checkpoint";
import { GuildError } from "../agents/errors/index.ts";
import { recordIdentifiers } from "../agents/text/index.ts";
import { lessonsNamespace } from "./memory.ts";
import type { TaughtLesson } from "./state.ts";

/** Whether a lesson is about one case (a claim, a lot) or holds for every run. */
export type LessonScope = "case" | "general";

/** A lesson as long-term memory keeps it: one item however often it is taught. */
interface StoredLesson extends TaughtLesson {
  scope: LessonScope;
  /** The newest run that taught it. */
  runId: string;
  /** How many runs taught it. */
  taught: number;
  /** The latest runs that taught it, so that a run saved twice (a re-run node, an early end) counts once. */
  runs: string[];
  /** When a reviewer last edited it; teaching it again then keeps the edited words and scope. */
  editedAt?: string;
  /** When it was first taught, kept where lessons stored twice before were folded into one item. */
  firstTaughtAt?: string;
}

/** What a reviewer may change of a stored lesson. */
export interface LessonRevision {
  text?: string | undefined;
  scope?: LessonScope | undefined;
}

/** How many runs a lesson remembers by id; far more than save a run twice while others teach it. */
const REMEMBERED_RUNS = 20;

/** A namespace's lessons are all read at once (listing, folding); a pack's stay far below this. */
const ALL_LESSONS = 10_000;

const normalised = (text: string): string => text.trim().replace(/\s+/g, " ").toLowerCase();

/**
 * The key of a lesson: the same specialist, tool and words (whatever their spacing and case), so
 * that the same lesson taught again overwrites the one item rather than piling up.
 */
export function lessonKey(lesson: Pick<TaughtLesson, "specialist" | "tool" | "text">): string {
  return createHash("sha256")
    .update([lesson.specialist, lesson.tool ?? "", normalised(lesson.text)].join("\u0000"))
    .digest("hex")
    .slice(0, 20);
}

/**
 * A stored lesson's scope and case. One stored before lessons had scopes is about the first case
 * its text names (every edit's lesson begins "On claim CLM-1001, ..."), else general.
 */
export function scopeOf(value: Record<string, unknown>): { scope: LessonScope; case?: string } {
  if (value.scope === "general") return { scope: "general" };
  if (value.scope === "case" && typeof value.case === "string") return { scope: "case", case: value.case };
  const named = recordIdentifiers(String(value.text ?? ""))[0];
  return named === undefined ? { scope: "general" } : { scope: "case", case: named };
}

/**
 * Whether a stored lesson may steer a run of this task: a general one always, a case lesson only
 * when the task names its case, so that what a reviewer did on CLM-1001 is no rule for CLM-1002.
 */
export function holdsFor(value: Record<string, unknown>, task: string): boolean {
  const { scope, case: about } = scopeOf(value);
  return scope === "general" || namesCase(task, about!);
}

/** Whether a text names a case as a whole word, in any letter case ("clm-1001" names CLM-1001, "CLM-10011" does not). */
function namesCase(text: string, about: string): boolean {
  const escaped = about.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  return new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, "iu").test(text);
}

const scopeFields = (about: string | undefined): Pick<StoredLesson, "scope" | "case"> =>
  about === undefined ? { scope: "general" } : { scope: "case", case: about };

/** The stored lesson after one more teaching of it by a run (`before` is what was stored, if anything). */
function taughtAgain(before: Partial<StoredLesson> | undefined, lesson: TaughtLesson, runId: string): StoredLesson {
  const runs = before?.runs ?? [];
  const counted = runs.includes(runId);
  // A reviewer's edit of the lesson stands: teaching it again counts, and keeps the edited words.
  const words =
    before?.editedAt !== undefined
      ? { text: String(before.text), ...scopeFields(before.scope === "case" ? before.case : undefined), editedAt: before.editedAt }
      : { text: lesson.text, ...scopeFields(lesson.case) };
  return {
    specialist: lesson.specialist,
    ...(lesson.tool ? { tool: lesson.tool } : {}),
    ...words,
    runId,
    taught: (before?.taught ?? 0) + (counted ? 0 : 1),
    runs: counted ? runs : [...runs, runId].slice(-REMEMBERED_RUNS),
    ...(before?.firstTaughtAt ? { firstTaughtAt: before.firstTaughtAt } : {}),
  };
}

/**
 * Saves what reviewers taught a run, each lesson under its key: the same lesson taught again, by
 * this run (a re-run node, a run that ends early and is saved by the runtime) or another, is one item.
 */
export async function saveLessons(
  store: BaseStore,
  packId: string,
  runId: string,
  lessons: readonly TaughtLesson[],
  tenant?: string,
): Promise<{ namespace: string[]; key: string }[]> {
  const namespace = lessonsNamespace(packId, tenant);
  const saved: { namespace: string[]; key: string }[] = [];
  for (const lesson of lessons) {
    const key = lessonKey(lesson);
    const before = (await store.get(namespace, key))?.value as Partial<StoredLesson> | undefined;
    await store.put(namespace, key, taughtAgain(before, lesson, runId));
    saved.push({ namespace, key });
  }
  return saved;
}

/**
 * A lesson with a reviewer's changes, under the same key; undefined when there is no such lesson.
 * Made about its case, it keeps the case it was taught about, or takes the first one its text names.
 */
export async function reviseLesson(
  store: BaseStore,
  namespace: string[],
  key: string,
  revision: LessonRevision,
): Promise<Item | undefined> {
  const item = await store.get(namespace, key);
  if (!item) return undefined;
  const text = revision.text ?? String(item.value.text ?? "");
  const now = scopeOf(item.value);
  const scope = revision.scope ?? now.scope;
  const about = scope === "general" ? undefined : (now.case ?? recordIdentifiers(text)[0]);
  if (scope === "case" && about === undefined)
    throw new GuildError("invalid_input", "invalid body: scope: a case lesson needs the case it is about, and this lesson names none", {
      details: { field: "scope" },
    });
  const { case: _before, ...kept } = item.value;
  await store.put(namespace, key, { ...kept, text, ...scopeFields(about), editedAt: new Date().toISOString() });
  return (await store.get(namespace, key)) ?? undefined;
}

/**
 * Folds the lessons stored before lessons had scopes (keyed by run and text, so a lesson taught
 * in two runs was kept twice) into one item each, under its key, counting the runs that taught
 * it. Runs at start-up; a store with none left is only read. Returns how many items it folded.
 */
export async function foldLegacyLessons(store: BaseStore): Promise<number> {
  let folded = 0;
  for (const namespace of await store.listNamespaces({ prefix: ["guild"], suffix: ["lessons"], limit: ALL_LESSONS })) {
    const legacy = (await store.search(namespace, { limit: ALL_LESSONS })).filter((item) => item.value.scope === undefined);
    const byKey = new Map<string, Item[]>();
    for (const item of legacy) {
      const key = lessonKey(item.value as unknown as TaughtLesson);
      byKey.set(key, [...(byKey.get(key) ?? []), item]);
    }
    for (const [key, items] of byKey) {
      let lesson = (await store.get(namespace, key))?.value as Partial<StoredLesson> | undefined;
      if (lesson?.scope === undefined) lesson = undefined;
      // Oldest first, so that the newest run's words and id are the ones kept.
      const oldestFirst = items.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
      for (const item of oldestFirst) {
        const taught = item.value as unknown as TaughtLesson & { runId?: string };
        const firstTaughtAt = lesson?.firstTaughtAt ?? item.createdAt.toISOString();
        const { case: about } = scopeOf(item.value);
        lesson = {
          ...taughtAgain(lesson, { ...taught, ...(about === undefined ? {} : { case: about }) }, taught.runId ?? item.key),
          firstTaughtAt,
        };
      }
      await store.put(namespace, key, lesson!);
      for (const item of items) if (item.key !== key) await store.delete(namespace, item.key);
      folded += items.length;
    }
  }
  return folded;
}
