import type { ApprovalStatus, ModelSummary, RunStatus } from "../../../server/contract/index.ts";

/** Which model answers, in plain words. */
export function modelLabel(model: ModelSummary): string {
  return model.provider === "offline" ? "offline model (deterministic rules, no LLM)" : `${model.provider}:${model.name}`;
}

const RUN_STATUS: Record<RunStatus, string> = {
  queued: "queued",
  running: "running",
  awaiting_approval: "awaiting approval",
  completed: "completed",
  failed: "failed",
  cancelled: "cancelled",
};

export const runStatusLabel = (status: RunStatus): string => RUN_STATUS[status] ?? status;

const APPROVAL_STATUS: Record<ApprovalStatus, string> = {
  pending: "pending",
  approved: "approved",
  edited: "approved with edits",
  rejected: "rejected",
  responded: "sent back with feedback",
  redirected: "redirected",
  expired: "expired",
};

export const approvalStatusLabel = (status: ApprovalStatus): string => APPROVAL_STATUS[status] ?? status;

/** A time of day, or a date and time when not today. */
export function timeLabel(iso: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const today = new Date().toDateString() === at.toDateString();
  return today ? at.toLocaleTimeString() : at.toLocaleString();
}

/** The first line of a text, cut to `max` characters. */
export function firstLine(text: string, max = 90): string {
  const line = text.trim().split("\n", 1)[0] ?? "";
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** A short form of a run id for headings: the id is long and random. */
export const shortId = (id: string): string => id.replace(/^run_/, "").slice(0, 8);
