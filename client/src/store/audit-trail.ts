import { useEffect, useState } from "react";
import type { AuditEntry } from "../../../server/contract/index.ts";
import { api } from "../api/rest.ts";

export interface AuditTrailState {
  /** The trail as last read, oldest first; undefined until the first read. */
  entries?: readonly AuditEntry[];
  error?: string;
}

/** Approval events come in bursts (the replay when a run is opened): one read after the burst. */
const SETTLE_MS = 100;

/**
 * A run's audit trail (`GET /api/runs/:id/audit`), read when the view opens and again each time
 * `version` changes. The run view counts the run's `approval.resolved` and `approval.escalated`
 * events: the server writes each change of an approval to the trail in the transaction that stores
 * its event, so the trail read after the event has it.
 */
export function useAuditTrail(runId: string, version: number): AuditTrailState {
  const [state, setState] = useState<AuditTrailState>({});
  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` is the signal to read again.
  useEffect(() => {
    // A read that a newer one overtakes is dropped: the newer one has all it had.
    let current = true;
    const timer = setTimeout(() => {
      api<{ audit: AuditEntry[] }>("GET", `/api/runs/${encodeURIComponent(runId)}/audit`).then(
        ({ audit }) => current && setState({ entries: audit }),
        (error: Error) => current && setState((last) => ({ ...last, error: error.message })),
      );
    }, SETTLE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [runId, version]);
  return state;
}
