import type { ReactNode } from "react";
import type { ApprovalStatus, RunEvent } from "../../../server/contract/index.ts";
import { approvalStatusLabel, timeLabel } from "../lib/format.ts";
import { FieldList, ValueView } from "./values.tsx";

type Data = Record<string, any>;
type NameOf = (specialist: unknown) => string;

interface Entry {
  title: ReactNode;
  body?: ReactNode;
  tone?: "good" | "bad" | "ask";
}

const NODE_NAMES: Record<string, string> = { "supervisor.plan": "Supervisor (planning)", "supervisor.answer": "Supervisor (answer)" };

function nodeName(d: Data, nameOf: NameOf): string {
  return d.node === "specialist" ? nameOf(d.specialist) : (NODE_NAMES[d.node] ?? String(d.node));
}

function Passages({ passages }: { passages: Data[] }) {
  return (
    <ol className="passages">
      {passages.map((p, i) => (
        <li key={p.id ?? i}>
          <cite>{String(p.source)}</cite>
          {typeof p.score === "number" ? <span className="hint"> · score {p.score}</span> : null}
          <blockquote>{String(p.excerpt)}</blockquote>
        </li>
      ))}
    </ol>
  );
}

function Details({ summary, children }: { summary: string; children: ReactNode }) {
  return (
    <details>
      <summary>{summary}</summary>
      {children}
    </details>
  );
}

function decisionText(d: Data): string {
  const decision = d.decision as Data | undefined;
  const parts = [approvalStatusLabel(d.status as ApprovalStatus)];
  if (d.reviewer) parts.push(`by ${d.reviewer}`);
  if (decision?.type === "redirect") parts.push(`to ${decision.specialist}`);
  return parts.join(" ");
}

/** What one event says, for a person. Unknown types still show, with their data. */
function describe(event: RunEvent, nameOf: NameOf): Entry {
  const d = event.data as Data;
  switch (event.type) {
    case "run.created":
      return { title: "Run created", body: <pre className="text">{String(d.task ?? "")}</pre> };
    case "run.queued":
      return { title: `Queued: ${d.ahead === 0 ? "next to start" : `${d.ahead} run${d.ahead === 1 ? "" : "s"} ahead`} (at most ${d.maxActiveRuns} run at once)`.replace("run at once", d.maxActiveRuns === 1 ? "run at once" : "runs at once") };
    case "run.started":
      return { title: "Run started" };
    case "memory.recalled":
      return {
        title: `Memory recalled: ${d.count ?? 0} item${d.count === 1 ? "" : "s"}`,
        body: d.count > 0 ? (
          <ul>
            {(d.items as Data[]).map((item, i) => (
              <li key={i}>{String(item.text)}</li>
            ))}
          </ul>
        ) : undefined,
      };
    case "memory.saved":
      return { title: `Memory saved: ${(d.items as unknown[] | undefined)?.length ?? 0} item(s), ${d.lessons ?? 0} lesson(s)` };
    case "node.started":
      return { title: `${nodeName(d, nameOf)} started`, body: d.instruction ? <p>{String(d.instruction)}</p> : undefined };
    case "node.completed":
      return { title: d.redirectedTo ? `${nodeName(d, nameOf)} handed the step to ${nameOf(d.redirectedTo)}` : `${nodeName(d, nameOf)} finished`, tone: "good" };
    case "plan.proposed":
      return {
        title: d.reason === "redirect" ? "Plan changed (redirect)" : `Plan proposed (revision ${d.revision})`,
        body: (
          <ol>
            {(d.steps as Data[]).map((s, i) => (
              <li key={i}>
                <strong>{nameOf(s.specialist)}</strong>: {String(s.instruction)}
                {s.status && s.status !== "pending" ? <span className="hint"> ({String(s.status)})</span> : null}
              </li>
            ))}
          </ol>
        ),
      };
    case "retrieval.done": {
      const passages = (d.passages as Data[] | undefined) ?? [];
      return {
        title: `${nameOf(d.specialist)} searched the documents: ${passages.length} passage${passages.length === 1 ? "" : "s"}${d.reformulated ? " (weak results, searched again)" : ""}`,
        body: (
          <Details summary={`Query: ${String(d.query)}`}>
            {d.reformulated ? <p>Searched again as: {String((d.attempts as Data[]).at(-1)?.query ?? "")}</p> : null}
            <Passages passages={passages} />
          </Details>
        ),
      };
    }
    case "tool.called":
      return {
        title: `${nameOf(d.specialist)} called ${d.title ?? d.tool}`,
        body: (
          <Details summary="Arguments">
            <FieldList fields={(d.args as Data) ?? {}} />
          </Details>
        ),
      };
    case "tool.result":
      return d.error
        ? { title: `${d.tool} failed`, body: <p>{String(d.error)}</p>, tone: "bad" }
        : {
            title: `${d.tool} returned${d.replayed ? " (already done: the stored result)" : ""}`,
            body: (
              <Details summary="Result">
                <ValueView value={d.result} />
              </Details>
            ),
            tone: "good",
          };
    case "approval.requested": {
      const a = d.approval as Data;
      return { title: `Approval asked: ${a.kind === "plan" ? "the plan" : String(a.action?.name)}`, body: <p>{String(a.description)}</p>, tone: "ask" };
    }
    case "approval.resolved": {
      const decision = d.decision as Data | undefined;
      return {
        title: `Approval ${d.kind === "plan" ? "of the plan" : ""} ${decisionText(d)}`.replace(/\s+/g, " "),
        body:
          decision?.type === "edit" ? (
            <Details summary="Edited to">
              <ValueView value={decision.args} />
            </Details>
          ) : decision?.message ? (
            <p>“{String(decision.message)}”</p>
          ) : undefined,
        tone: d.status === "rejected" || d.status === "expired" ? "bad" : "good",
      };
    }
    case "approval.escalated":
      return { title: `Approval escalated${d.to ? ` to ${d.to}` : ""}: ${String(d.reason ?? "")}`, tone: "ask" };
    case "message":
      return {
        title: `${d.node === "supervisor.answer" ? "Supervisor" : nameOf(d.specialist)} wrote`,
        body: (
          <Details summary={String(d.text ?? "").split("\n", 1)[0]!.slice(0, 120)}>
            <pre className="text">{String(d.text ?? "")}</pre>
          </Details>
        ),
      };
    case "run.completed":
      return { title: "Run completed", tone: "good" };
    case "run.failed":
      return { title: `Run failed: ${d.message ?? d.code}`, tone: "bad" };
    case "run.cancelled":
      return { title: "Run cancelled", tone: "bad" };
    default:
      return { title: event.type, body: <ValueView value={d} /> };
  }
}

/** A part of the run the timeline groups its events under: the start, each step of the plan, the answer. */
interface Part {
  key: string;
  title: string;
  events: RunEvent[];
}

/** The run's events in parts: what came before the first step, each step as it started, and the answer. */
function partsOf(events: readonly RunEvent[], nameOf: NameOf): Part[] {
  const parts: Part[] = [{ key: "start", title: "Start and plan", events: [] }];
  let steps = 0;
  for (const event of events) {
    const d = event.data as Data;
    if (event.type === "node.started" && d.node === "specialist") {
      steps += 1;
      parts.push({ key: `step-${event.seq}`, title: `Step ${steps} · ${nameOf(d.specialist)}${d.instruction ? `: ${String(d.instruction).split("\n", 1)[0]!.slice(0, 90)}` : ""}`, events: [] });
    } else if (event.type === "node.started" && d.node === "supervisor.answer") {
      parts.push({ key: `answer-${event.seq}`, title: "The answer", events: [] });
    }
    parts.at(-1)!.events.push(event);
  }
  return parts.filter((part) => part.events.length > 0);
}

/** Every event of the run, in seq order, each once, grouped by the step it belongs to; long details folded. */
export function Timeline({ events, nameOf }: { events: readonly RunEvent[]; nameOf: NameOf }) {
  return (
    <section className="panel timeline" aria-labelledby="timeline-title">
      <h2 id="timeline-title">Timeline</h2>
      {partsOf(events, nameOf).map((part) => (
        <div key={part.key} className="timeline-part">
          <h3>{part.title}</h3>
          <TimelineEvents events={part.events} nameOf={nameOf} />
        </div>
      ))}
    </section>
  );
}

function TimelineEvents({ events, nameOf }: { events: readonly RunEvent[]; nameOf: NameOf }) {
  return (
    <ol>
        {events.map((event) => {
          const entry = describe(event, nameOf);
          return (
            <li key={event.seq} data-seq={event.seq} data-type={event.type} className={entry.tone ? `tone-${entry.tone}` : undefined}>
              <span className="seq" aria-label={`event ${event.seq}`}>
                {event.seq}
              </span>
              <div>
                <p className="entry-title">
                  {entry.title} <time dateTime={event.at}>{timeLabel(event.at)}</time>
                </p>
                {entry.body}
              </div>
            </li>
          );
        })}
    </ol>
  );
}
