import { firstLine, timeLabel } from "../lib/format.ts";
import { runHref } from "../lib/route.ts";
import { useGuild } from "../store/context.tsx";
import { useObservable } from "../store/observable.ts";
import { StatusBadge } from "./status-badge.tsx";

/** Runs, newest first, with their status; read again as runs change. */
export function RunList({ selected }: { selected?: string | undefined }) {
  const { runs: list } = useGuild();
  const { runs, loaded, error } = useObservable(list.state);
  return (
    <section className="panel run-list" aria-labelledby="runs-title">
      <h2 id="runs-title">Runs</h2>
      {error ? <p className="field-error">Could not read the runs: {error}</p> : null}
      {loaded && runs.length === 0 ? <p className="hint">No runs yet. Start one above.</p> : null}
      <ul>
        {runs.map((run) => (
          <li key={run.id} data-run-id={run.id}>
            <a href={runHref(run.id)} aria-current={run.id === selected ? "page" : undefined}>
              <span className="run-task">{firstLine(run.task)}</span>
              <span className="run-meta">
                <StatusBadge status={run.status} />
                {run.pendingApprovals.length > 0 ? <span className="waiting">{run.pendingApprovals.length} waiting</span> : null}
                <time dateTime={run.createdAt}>{timeLabel(run.createdAt)}</time>
              </span>
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}
