import type { Approval, PackSummary } from "../../../server/contract/index.ts";
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

/** Every pending approval across runs, oldest first; and cards decided elsewhere until dismissed. */
export function InboxView() {
  const guild = useGuild();
  const { pending, decidedElsewhere, loaded } = useObservable(guild.inbox.state);
  const packOf = usePackOf();
  const elsewhere = Object.values(decidedElsewhere);
  return (
    <section className="inbox" aria-labelledby="inbox-title">
      <h1 id="inbox-title" tabIndex={-1}>
        Inbox <span className="count">{pending.length}</span>
      </h1>
      <p className="hint">Every approval waiting for a reviewer, across runs, oldest first. Decisions go to the run at once.</p>
      {loaded && pending.length === 0 && elsewhere.length === 0 ? <p className="empty">Nothing waits for you.</p> : null}
      {!loaded ? <p className="hint">Connecting…</p> : null}
      <div className="cards">
        {elsewhere.map((e) => (
          <ApprovalCard key={e.approval.id} approval={e.approval} elsewhere={e} pack={packOf(e.approval)} showRun />
        ))}
        {pending.map((approval) => (
          <ApprovalCard key={approval.id} approval={approval} pack={packOf(approval)} showRun />
        ))}
      </div>
    </section>
  );
}
