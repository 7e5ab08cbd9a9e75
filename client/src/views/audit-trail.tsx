import type { AuditEntry, DecisionChannel, DecisionType } from "../../../server/contract/index.ts";
import { argText, diffArgs } from "../lib/args-diff.ts";
import { approvalStatusLabel, firstLine, timeLabel } from "../lib/format.ts";
import type { AuditTrailState } from "../store/audit-trail.ts";
import { FieldList } from "./values.tsx";

type NameOf = (specialist: unknown) => string;

const EVENTS: Record<AuditEntry["event"], string> = { decided: "Decided", expired: "Expired", escalated: "Escalated" };
const DECISIONS: Record<DecisionType, string> = {
  approve: "approve",
  edit: "edit",
  reject: "reject",
  respond: "feedback",
  redirect: "redirect",
};
const CHANNELS: Record<DecisionChannel, string> = {
  rest: "REST",
  socket: "socket",
  cli: "CLI",
  api: "Guild API",
  policy: "policy",
  run: "the run's end",
};

/** Who made the change: the reviewer's name; "policy" for the pack's policy; "not named" for a decision without a name. */
function who(entry: AuditEntry): { text: string; named: boolean } {
  if (entry.reviewer) return { text: entry.reviewerVerified === false ? `${entry.reviewer} (unverified)` : entry.reviewer, named: true };
  if (entry.via === "policy") return { text: "policy", named: false };
  return { text: entry.event === "decided" ? "not named" : "no reviewer", named: false };
}

function ActionCell({ entry }: { entry: AuditEntry }) {
  if (entry.kind === "plan") return <>Plan</>;
  if (entry.kind === "answer") return <>Final answer</>;
  return (
    <>
      <code>{entry.action}</code> <span className="hint">tool call</span>
    </>
  );
}

/** The arguments before and after an edit, every field, the changed ones marked and given in full. */
function ArgsDiff({ before, after }: { before: Record<string, unknown>; after: Record<string, unknown> }) {
  const changes = diffArgs(before, after);
  const changed = changes.filter((c) => c.changed).length;
  return (
    <>
      <p className="hint">
        Edited: {changed} of {changes.length} argument{changes.length === 1 ? "" : "s"} changed
      </p>
      <dl className="arg-diff">
        {changes.map((c) =>
          c.changed ? (
            <div key={c.path} className="arg-changed">
              <dt>{c.path}</dt>
              <dd>
                <span className="visually-hidden">was </span>
                <del>{argText(c.before)}</del> <span aria-hidden="true">→</span> <span className="visually-hidden">now </span>
                <ins>{argText(c.after)}</ins>
              </dd>
            </div>
          ) : (
            <div key={c.path} className="arg-same">
              <dt>{c.path}</dt>
              <dd>{firstLine(argText(c.before), 60)}</dd>
            </div>
          ),
        )}
      </dl>
    </>
  );
}

function DetailsCell({ entry, nameOf }: { entry: AuditEntry; nameOf: NameOf }) {
  const edited = entry.argsAfter !== undefined && diffArgs(entry.argsBefore, entry.argsAfter).some((c) => c.changed);
  return (
    <>
      {entry.redirectTo ? <p>Handed to {nameOf(entry.redirectTo)}</p> : null}
      {entry.message ? (
        <p className="audit-message">
          <span className="hint">{entry.event === "decided" ? "Message: " : "Reason: "}</span>
          {entry.message}
        </p>
      ) : null}
      {edited ? (
        <ArgsDiff before={entry.argsBefore} after={entry.argsAfter!} />
      ) : (
        <details>
          <summary>
            {entry.argsAfter
              ? `Arguments, as proposed${entry.decision === "edit" ? " (the edit changed nothing)" : ""}`
              : "Arguments proposed"}
          </summary>
          <FieldList fields={entry.argsBefore} />
        </details>
      )}
    </>
  );
}

/** Every change of the run's approvals, oldest first: who decided what, when, over which channel, and what an edit changed. */
export function AuditTrail({ trail, nameOf }: { trail: AuditTrailState; nameOf: NameOf }) {
  const { entries, error } = trail;
  return (
    <section className="panel audit" aria-labelledby="audit-title">
      <h2 id="audit-title">Audit trail</h2>
      <p className="hint" id="audit-hint">
        Every decision on this run's approvals, and every expiry and escalation, oldest first.
      </p>
      {error ? <p className="field-error">Could not read the audit trail: {error}</p> : null}
      {entries === undefined && !error ? <p className="hint">Loading…</p> : null}
      {entries?.length === 0 ? <p className="hint">No approval has been decided yet.</p> : null}
      {entries && entries.length > 0 ? (
        // A narrow screen scrolls the table, not the page.
        <div className="table-scroll">
          <table aria-labelledby="audit-title" aria-describedby="audit-hint">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Action</th>
                <th scope="col">What happened</th>
                <th scope="col">Who</th>
                <th scope="col">Via</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => {
                const by = who(entry);
                return (
                  <tr key={entry.id} data-audit-id={entry.id} data-event={entry.event} className={`audit-${entry.event}`}>
                    <td>
                      <time dateTime={entry.at}>{timeLabel(entry.at)}</time>
                    </td>
                    <td>
                      <ActionCell entry={entry} />
                    </td>
                    <td>
                      {EVENTS[entry.event]}
                      {entry.decision ? `: ${DECISIONS[entry.decision]}` : ""}
                      <span className="audit-status">now {approvalStatusLabel(entry.status)}</span>
                    </td>
                    <td className={by.named ? "reviewer-named" : "reviewer-unnamed"}>{by.text}</td>
                    <td>{CHANNELS[entry.via] ?? entry.via}</td>
                    <td className="audit-details">
                      <DetailsCell entry={entry} nameOf={nameOf} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
