import { useEffect, useMemo, useRef, useState } from "react";
import type { RunStatus } from "../../../server/contract/index.ts";
import { modelLabel, shortId, timeLabel } from "../lib/format.ts";
import { graphPath, type GraphPath } from "../lib/graph-path.ts";
import { derivePlan } from "../lib/plan.ts";
import { useAuditTrail } from "../store/audit-trail.ts";
import { useGuild } from "../store/context.tsx";
import { useObservable } from "../store/observable.ts";
import { AnswerView } from "./answer-view.tsx";
import { ApprovalCard } from "./approval-card.tsx";
import { AuditTrail } from "./audit-trail.tsx";
import { EffectsView } from "./effects-view.tsx";
import { GraphPicture } from "./graph-picture.tsx";
import { PlanView } from "./plan-view.tsx";
import { StatusBadge } from "./status-badge.tsx";
import { Timeline } from "./timeline.tsx";
import { UsageView } from "./usage-view.tsx";
import { WritingNow } from "./writing-now.tsx";

const FINAL_EVENTS: Record<string, RunStatus> = { "run.completed": "completed", "run.failed": "failed", "run.cancelled": "cancelled" };
/** Events stored with an entry of the audit trail: each one makes the view read the trail again. */
const AUDITED_EVENTS = new Set(["approval.resolved", "approval.escalated"]);

/** The run's title: its task's first line, cut at a word near 100 characters. */
function titleOf(task: string | undefined, runId: string): string {
  const line = task
    ?.split("\n")
    .find((l) => l.trim())
    ?.trim();
  if (!line) return `Run ${shortId(runId)}`;
  return line.length <= 100 ? line : `${line.slice(0, 100).replace(/\s+\S*$/, "")}…`;
}

/** The pack's graph, folded away until asked for (Mermaid is loaded only then). */
function GraphPanel({ packId, path }: { packId: string; path: GraphPath }) {
  const [open, setOpen] = useState(false);
  return (
    <details className="graph-panel" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>The pack's graph</summary>
      {open ? <GraphPicture packId={packId} path={path} /> : null}
    </details>
  );
}

/**
 * One run, live, outcome first: its title and status, the answer and what was done, what waits
 * for a reviewer, then the plan, the text being written, usage, audit trail, timeline and graph.
 */
export function RunView({ runId }: { runId: string }) {
  const guild = useGuild();
  useEffect(() => guild.feeds.follow(runId), [guild, runId]);
  const feed = useObservable(guild.feeds.feeds)[runId];
  const { pending, decidedElsewhere } = useObservable(guild.inbox.state);
  const { packs } = useObservable(guild.server);
  const heading = useRef<HTMLHeadingElement>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: focus moves to the heading of each run opened.
  useEffect(() => heading.current?.focus(), [runId]);

  const events = feed?.events ?? [];
  const run = feed?.run;
  const plan = useMemo(() => derivePlan(events), [events]);
  const audited = useMemo(() => events.filter((e) => AUDITED_EVENTS.has(e.type)).length, [events]);
  const audit = useAuditTrail(runId, audited);
  const created = events.find((e) => e.type === "run.created")?.data;
  const packId = run?.pack ?? created?.pack;
  const pack = packs.find((p) => p.id === packId);
  const names = new Map(pack?.specialists.map((s) => [s.id, s.name]));
  const nameOf = (id: unknown): string => names.get(String(id)) ?? String(id);

  // The event log is ahead of the run read over REST: a final event settles the status at once.
  const finalEvent = events.findLast((e) => e.type in FINAL_EVENTS);
  const status = finalEvent ? FINAL_EVENTS[finalEvent.type]! : run?.status;
  const completed = finalEvent?.type === "run.completed" ? finalEvent.data : undefined;
  const result = run?.result ?? completed;
  const waiting = pending.filter((a) => a.runId === runId);
  const lost = Object.values(decidedElsewhere).filter((e) => e.approval.runId === runId);
  const task = run?.task ?? created?.task;

  return (
    <section className="run-view" aria-labelledby="run-title" data-run-id={runId}>
      <header className="run-header">
        <h1 id="run-title" ref={heading} tabIndex={-1}>
          {titleOf(task, runId)} {status ? <StatusBadge status={status} /> : null}
        </h1>
        {events.length === 0 && !run && !feed?.error ? <p className="hint">Loading…</p> : null}
        <p className="hint">
          {`Run ${shortId(runId)} · `}
          {pack?.name ?? packId}
          {run ? ` · ${modelLabel(run.model)}` : ""}
          {run ? (
            <>
              {" · started "}
              <time dateTime={run.createdAt}>{timeLabel(run.createdAt)}</time>
            </>
          ) : null}
        </p>
        <h2 className="visually-hidden">Task</h2>
        <pre className="text task" data-testid="task">
          {task}
        </pre>
        {run?.error ? (
          <p className="field-error" role="alert">
            {run.error.code}: {run.error.message}
          </p>
        ) : null}
        {feed?.error ? <p className="field-error">This run cannot be followed: {feed.error}</p> : null}
      </header>

      {result ? <AnswerView answer={result.answer} citations={result.citations} /> : null}
      <EffectsView events={events} />

      {waiting.length > 0 || lost.length > 0 ? (
        <section className="waiting-here" aria-labelledby="waiting-title">
          <h2 id="waiting-title">Waiting for a reviewer</h2>
          <div className="cards">
            {lost.map((e) => (
              <ApprovalCard key={e.approval.id} approval={e.approval} elsewhere={e} pack={pack} />
            ))}
            {waiting.map((approval) => (
              <ApprovalCard key={approval.id} approval={approval} pack={pack} />
            ))}
          </div>
        </section>
      ) : null}

      {events.length === 0 ? null : (
        <>
          <PlanView plan={plan} nameOf={nameOf} />
          <WritingNow writing={feed?.writing} nameOf={nameOf} />
          <UsageView usage={run?.usage} model={run?.model} nameOf={nameOf} />
          <AuditTrail trail={audit} nameOf={nameOf} />
          <Timeline events={events} nameOf={nameOf} />
          {packId ? <GraphPanel packId={packId} path={graphPath(events)} /> : null}
        </>
      )}
    </section>
  );
}
