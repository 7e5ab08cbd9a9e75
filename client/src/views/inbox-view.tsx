import { useState } from "react";
import type { Approval, PackSummary } from "../../../server/contract/index.ts";
import { arrangeInbox, isHighRisk, type InboxFilter } from "../lib/inbox-order.ts";
import { useGuild } from "../store/context.tsx";
import { useObservable } from "../store/observable.ts";
import { ApprovalCard } from "./approval-card.tsx";

/** The pack of an approval's run, from the runs this client knows; the only pack when there is one. */
function usePackOf(): (approval: Approval) => PackSummary | undefined {
  const guild = useGuild();
  const { packs } = useObservable(guild.server);
  const { runs } = useObservable(guild.runs.state);
  const feeds = useObservable(guild.feeds.feeds);
  return (approval) => {
    const packId = runs.find((r) => r.id === approval.runId)?.pack ?? feeds[approval.runId]?.run?.pack;
    return packs.find((p) => p.id === packId) ?? (packs.length === 1 ? packs[0] : undefined);
  };
}

/**
 * Every pending approval across runs, high risk and nearest deadline first, narrowed by pack, run
 * and risk; and cards decided elsewhere until dismissed.
 */
export function InboxView() {
  const guild = useGuild();
  const { pending, decidedElsewhere, loaded } = useObservable(guild.inbox.state);
  const { packs } = useObservable(guild.server);
  const packOf = usePackOf();
  const [filter, setFilter] = useState<InboxFilter>({});
  const elsewhere = Object.values(decidedElsewhere);
  const shown = arrangeInbox(pending, filter, (a) => packOf(a)?.id);
  const highRisk = pending.filter(isHighRisk).length;
  const runIds = [...new Set(pending.map((a) => a.runId))];
  const set = (change: Partial<InboxFilter>) => setFilter((current) => ({ ...current, ...change }));
  return (
    <section className="inbox" aria-labelledby="inbox-title">
      <h1 id="inbox-title" tabIndex={-1}>
        Inbox <span className="count">{pending.length}</span>
      </h1>
      <p className="hint">
        Every approval waiting for a reviewer, across runs: high risk first, then the nearest deadline. Decisions go to the run at once.
        {highRisk > 0 ? <strong className="risk-count"> {highRisk} high risk.</strong> : null}
      </p>
      {pending.length > 1 ? (
        <div className="inbox-filters" role="group" aria-label="Filter the inbox">
          {packs.length > 1 ? (
            <label>
              Pack{" "}
              <select value={filter.pack ?? ""} onChange={(e) => set({ pack: e.target.value || undefined })}>
                <option value="">all</option>
                {packs.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
          <label>
            Run{" "}
            <select value={filter.runId ?? ""} onChange={(e) => set({ runId: e.target.value || undefined })}>
              <option value="">all ({runIds.length})</option>
              {runIds.map((id) => (
                <option key={id} value={id}>
                  {id}
                </option>
              ))}
            </select>
          </label>
          <label>
            Risk{" "}
            <select value={filter.risk ?? ""} onChange={(e) => set({ risk: (e.target.value || undefined) as InboxFilter["risk"] })}>
              <option value="">all</option>
              <option value="high">high risk ({highRisk})</option>
              <option value="normal">other ({pending.length - highRisk})</option>
            </select>
          </label>
          {shown.length !== pending.length ? (
            <span className="hint">
              showing {shown.length} of {pending.length}
            </span>
          ) : null}
        </div>
      ) : null}
      {loaded && pending.length === 0 && elsewhere.length === 0 ? <p className="empty">Nothing waits for you.</p> : null}
      {!loaded ? <p className="hint">Connecting…</p> : null}
      <div className="cards">
        {elsewhere.map((e) => (
          <ApprovalCard key={e.approval.id} approval={e.approval} elsewhere={e} pack={packOf(e.approval)} showRun />
        ))}
        {shown.map((approval) => (
          <ApprovalCard key={approval.id} approval={approval} pack={packOf(approval)} showRun />
        ))}
      </div>
    </section>
  );
}
