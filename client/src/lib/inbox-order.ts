import type { Approval } from "../../../server/contract/index.ts";

/** What a reviewer narrows the inbox to; an empty field keeps everything. */
export interface InboxFilter {
  pack?: string;
  runId?: string;
  risk?: "high" | "normal";
}

/** High risk, or breaking a rule of the pack: what a reviewer looks at first. */
export const isHighRisk = (a: Approval): boolean => a.highRisk !== undefined || (a.violations?.length ?? 0) > 0;

/**
 * The order a reviewer works in: high risk first, then the nearest deadline, then the oldest.
 * An approval without a deadline comes after those with one.
 */
export function inboxOrder(a: Approval, b: Approval): number {
  const risk = Number(isHighRisk(b)) - Number(isHighRisk(a));
  if (risk !== 0) return risk;
  const deadline = (a.expiresAt ?? "\uffff").localeCompare(b.expiresAt ?? "\uffff");
  return deadline !== 0 ? deadline : a.createdAt.localeCompare(b.createdAt);
}

/** The approvals the filter keeps, in the inbox's order; `packOf` tells an approval's pack. */
export function arrangeInbox(
  approvals: readonly Approval[],
  filter: InboxFilter,
  packOf: (approval: Approval) => string | undefined,
): Approval[] {
  return approvals
    .filter((a) => !filter.pack || packOf(a) === filter.pack)
    .filter((a) => !filter.runId || a.runId === filter.runId)
    .filter((a) => !filter.risk || (filter.risk === "high") === isHighRisk(a))
    .sort(inboxOrder);
}
