import type { ReactNode } from "react";
import type { ReportingNode, RunEvent, RunEventData } from "../../../server/contract/index.ts";
import { approvalStatusLabel, timeLabel } from "../lib/format.ts";
import { FieldList, ValueView } from "./values.tsx";

type NameOf = (specialist: string | undefined) => string;

interface Entry {
  title: ReactNode;
  body?: ReactNode;
  tone?: "good" | "bad" | "ask";
}

const NODE_NAMES: Record<string, string> = { "supervisor.plan": "Supervisor (planning)", "supervisor.answer": "Supervisor (answer)" };

function nodeName(d: { node: ReportingNode; specialist?: string }, nameOf: NameOf): string {
  return d.node === "specialist" ? nameOf(d.specialist) : (NODE_NAMES[d.node] ?? d.node);
}

function Passages({ passages }: { passages: RunEventData["retrieval.done"]["passages"] }) {
  return (
    <ol className="passages">
      {passages.map((p, i) => (
        <li key={p.id ?? i}>
          <cite>{p.source}</cite>
          {typeof p.score === "number" ? <span className="hint"> · score {p.score}</span> : null}
          <blockquote>{p.excerpt}</blockquote>
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

function decisionText(d: RunEventData["approval.resolved"]): string {
  const parts = [approvalStatusLabel(d.status)];
  if (d.reviewer) parts.push(`by ${d.reviewer}`);
  if (d.decision?.type === "redirect") parts.push(`to ${d.decision.specialist}`);
  return parts.join(" ");
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** What one event says, for a person. Types newer than this client still show, with their data. */
function describe(event: RunEvent, nameOf: NameOf): Entry {
  switch (event.type) {
    case "run.created":
      return { title: "Run created", body: <pre className="text">{event.data.task}</pre> };
    case "run.queued": {
      const { ahead, maxActiveRuns } = event.data;
      return {
        title: `Queued: ${ahead === 0 ? "next to start" : `${plural(ahead, "run")} ahead`} (at most ${plural(maxActiveRuns, "run")} at once)`,
      };
    }
    case "run.started":
      return { title: "Run started" };
    case "memory.recalled": {
      const { count, items } = event.data;
      return {
        title: `Memory recalled: ${plural(count, "item")}`,
        body:
          count > 0 ? (
            <ul>
              {items.map((item, i) => (
                <li key={i}>{item.text}</li>
              ))}
            </ul>
          ) : undefined,
      };
    }
    case "memory.saved":
      return { title: `Memory saved: ${event.data.items.length} item(s), ${event.data.lessons} lesson(s)` };
    case "node.started":
      return {
        title: `${nodeName(event.data, nameOf)} started`,
        body: event.data.instruction ? <p>{event.data.instruction}</p> : undefined,
      };
    case "node.completed": {
      const d = event.data;
      return {
        title: d.redirectedTo ? `${nodeName(d, nameOf)} handed the step to ${nameOf(d.redirectedTo)}` : `${nodeName(d, nameOf)} finished`,
        tone: "good",
      };
    }
    case "plan.proposed": {
      const d = event.data;
      return {
        title: d.reason === "redirect" ? "Plan changed (redirect)" : `Plan proposed (revision ${d.revision})`,
        body: (
          <ol>
            {d.steps.map((s, i) => (
              <li key={i}>
                <strong>{nameOf(s.specialist)}</strong>: {s.instruction}
                {s.status !== "pending" ? <span className="hint"> ({s.status})</span> : null}
              </li>
            ))}
          </ol>
        ),
      };
    }
    case "retrieval.done": {
      const d = event.data;
      return {
        title: `${nameOf(d.specialist)} searched the documents: ${plural(d.passages.length, "passage")}${d.reformulated ? " (weak results, searched again)" : ""}`,
        body: (
          <Details summary={`Query: ${d.query}`}>
            {d.reformulated ? <p>Searched again as: {d.attempts.at(-1)?.query ?? ""}</p> : null}
            <Passages passages={d.passages} />
          </Details>
        ),
      };
    }
    case "tool.called": {
      const d = event.data;
      return {
        title: `${nameOf(d.specialist)} called ${d.title ?? d.tool}`,
        body: (
          <Details summary="Arguments">
            <FieldList fields={d.args} />
          </Details>
        ),
      };
    }
    case "tool.result": {
      const d = event.data;
      return d.error
        ? { title: `${d.tool} failed`, body: <p>{d.error}</p>, tone: "bad" }
        : {
            title: `${d.tool} returned${d.replayed ? " (already done: the stored result)" : ""}`,
            body: (
              <Details summary="Result">
                <ValueView value={d.result} />
              </Details>
            ),
            tone: "good",
          };
    }
    case "approval.requested": {
      const a = event.data.approval;
      return { title: `Approval asked: ${a.kind === "plan" ? "the plan" : a.action.name}`, body: <p>{a.description}</p>, tone: "ask" };
    }
    case "approval.resolved": {
      const d = event.data;
      const decision = d.decision;
      return {
        title: `Approval ${d.kind === "plan" ? "of the plan" : ""} ${decisionText(d)}`.replace(/\s+/g, " "),
        body:
          decision?.type === "edit" ? (
            <Details summary="Edited to">
              <ValueView value={decision.args} />
            </Details>
          ) : decision && "message" in decision && decision.message ? (
            <p>“{decision.message}”</p>
          ) : undefined,
        tone: d.status === "rejected" || d.status === "expired" ? "bad" : "good",
      };
    }
    case "approval.escalated":
      return { title: `Approval escalated${event.data.to ? ` to ${event.data.to}` : ""}: ${event.data.reason}`, tone: "ask" };
    case "message": {
      const d = event.data;
      return {
        title: `${d.node === "supervisor.answer" ? "Supervisor" : nameOf(d.specialist)} wrote`,
        body: (
          <Details summary={d.text.split("\n", 1)[0]!.slice(0, 120)}>
            <pre className="text">{d.text}</pre>
          </Details>
        ),
      };
    }
    case "run.completed":
      return { title: "Run completed", tone: "good" };
    case "run.failed":
      return { title: `Run failed: ${event.data.message || event.data.code}`, tone: "bad" };
    case "run.cancelled":
      return { title: "Run cancelled", tone: "bad" };
    default: {
      const unknown = event as { type: string; data: unknown };
      return { title: unknown.type, body: <ValueView value={unknown.data} /> };
    }
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
    if (event.type === "node.started" && event.data.node === "specialist") {
      const { specialist, instruction } = event.data;
      steps += 1;
      parts.push({
        key: `step-${event.seq}`,
        title: `Step ${steps} · ${nameOf(specialist)}${instruction ? `: ${instruction.split("\n", 1)[0]!.slice(0, 90)}` : ""}`,
        events: [],
      });
    } else if (event.type === "node.started" && event.data.node === "supervisor.answer") {
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
            <span className="seq">
              <span className="visually-hidden">event </span>
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
