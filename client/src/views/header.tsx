import { modelLabel } from "../lib/format.ts";
import { INBOX_HREF } from "../lib/route.ts";
import { useGuild } from "../store/context.tsx";
import type { ConnectionState } from "../store/guild.ts";
import { useObservable } from "../store/observable.ts";

const CONNECTION: Record<ConnectionState, string> = {
  connecting: "Connecting…",
  connected: "Live",
  reconnecting: "Reconnecting…",
  needs_key: "API key needed",
};

/** Always on screen: which model answers, whether updates are live, how many approvals wait. */
export function Header() {
  const guild = useGuild();
  const { health, error } = useObservable(guild.server);
  const connection = useObservable(guild.connection);
  const { pending } = useObservable(guild.inbox.state);
  const reviewer = useObservable(guild.reviewer);
  const announcement = useObservable(guild.announcement);
  return (
    <header className="app-header">
      <a className="brand" href="#/">
        Guild
      </a>
      <span className="model" data-testid="model">
        Model: {health ? modelLabel(health.model) : error ? "unknown (the server did not answer)" : "…"}
      </span>
      <span className={`connection connection-${connection}`} role="status" aria-label={`Connection: ${CONNECTION[connection]}`}>
        <span aria-hidden="true" className="dot" /> {CONNECTION[connection]}
      </span>
      <a className="inbox-link" href={INBOX_HREF} aria-label={`Inbox: ${pending.length} pending approval${pending.length === 1 ? "" : "s"}`}>
        Inbox <span className={`count${pending.length > 0 ? " count-waiting" : ""}`} data-testid="inbox-count">{pending.length}</span>
      </a>
      <label className="reviewer">
        Your name
        <input value={reviewer} onChange={(e) => guild.reviewer.set(e.target.value)} placeholder="for the audit trail" maxLength={200} />
      </label>
      <p className="visually-hidden" aria-live="polite">
        {announcement}
      </p>
    </header>
  );
}
