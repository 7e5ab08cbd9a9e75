import { createHash } from "node:crypto";

/** A stable approval id: the same run and subject give the same id however often a node re-runs. */
export function approvalId(runId: string, subject: string): string {
  return `apr_${createHash("sha256").update(`${runId}\u0000${subject}`).digest("hex").slice(0, 20)}`;
}
