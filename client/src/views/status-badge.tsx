import type { RunStatus } from "../../../server/contract/index.ts";
import { runStatusLabel } from "../lib/format.ts";

export function StatusBadge({ status }: { status: RunStatus }) {
  return <span className={`badge badge-${status}`}>{runStatusLabel(status)}</span>;
}
