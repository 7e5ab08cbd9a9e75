import { addUsage, type ModelRole, type Usage } from "../agents/models/index.ts";

/** Tokens a run used: in all, by its supervisor (plans, answers) and by each specialist. */
export interface UsageTally extends Usage {
  supervisor: Usage;
  bySpecialist: Record<string, Usage>;
}

/** Usage to add to the run's, and whose it is. */
export type UsageEntry = ModelRole & { usage: Usage };

const ZERO: Usage = { inputTokens: 0, outputTokens: 0 };

export const emptyRunUsage = (): UsageTally => ({ ...ZERO, supervisor: ZERO, bySpecialist: {} });

/** The state reducer of `usage`: adds an entry to the total and to its role's share. */
export function addRunUsage(total: UsageTally, entry: UsageEntry): UsageTally {
  // A checkpoint written before usage was kept per role has only the totals.
  const supervisor = total.supervisor ?? ZERO;
  const bySpecialist = total.bySpecialist ?? {};
  const sum = addUsage(total, entry.usage);
  if (entry.role === "supervisor") return { ...sum, supervisor: addUsage(supervisor, entry.usage), bySpecialist };
  return { ...sum, supervisor, bySpecialist: { ...bySpecialist, [entry.id]: addUsage(bySpecialist[entry.id] ?? ZERO, entry.usage) } };
}

/** The state update that adds a model call's usage, if the server reported one. */
export function usageUpdate(role: ModelRole, usage: Usage | undefined): { usage?: UsageEntry } {
  return usage ? { usage: { ...role, usage } } : {};
}
