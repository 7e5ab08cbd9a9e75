import { modelLabel } from "../lib/format.ts";
import { INBOX_HREF, LESSONS_HREF, useRoute } from "../lib/route.ts";
import { useGuild } from "../store/context.tsx";
import type { ConnectionState } from "../store/guild.ts";
import { useObservable } from "../store/observable.ts";

const CONNECTION: Record<ConnectionState, string> = {
  connecting: "Connecting…",
  connected: "Live",
  reconnecting: "Reconnecting…",
  needs_key: "API key needed",
};

/** Always on screen: which model answers, whether updates are live, how many approvals wait, the lessons. */
export function Header() {
  const guild = useGuild();
  const { health, error } = useObservable(guild.server);
  const connection = useObservable(guild.connection);
  const { pending } = useObservable(guild.inbox.state);
  const reviewer = useObservable(guild.reviewer);
  const me = useObservable(guild.me);
  const announcement = useObservable(guild.announcement);
  const { view } = useRoute();
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
      <nav className="views" aria-label="Views">
        <a
          href={INBOX_HREF}
          aria-label={`Inbox: ${pending.length} pending approval${pending.length === 1 ? "" : "s"}`}
          aria-current={view === "inbox" ? "page" : undefined}
        >
          Inbox{" "}
          <span className={`count${pending.length > 0 ? " count-waiting" : ""}`} data-testid="inbox-count">
            {pending.length}
          </span>
        </a>
        <a href={LESSONS_HREF} aria-current={view === "lessons" ? "page" : undefined}>
          Lessons
        </a>
      </nav>
      {me?.verified ? (
        // Signed in by key or token: the audit names this principal, whatever a client sends.
        <span className="who" data-testid="who">
          Signed in as <strong>{me.name}</strong> ({me.tenant} · {me.roles.includes("*") ? "every role" : me.roles.join(", ")})
        </span>
      ) : (
        <label className="reviewer">
          Your name
          <input
            value={reviewer}
            onChange={(e) => guild.reviewer.set(e.target.value)}
            placeholder="for the audit trail (unverified)"
            maxLength={200}
          />
        </label>
      )}
      <p className="visually-hidden" aria-live="polite">
        {announcement}
      </p>
    </header>
  );
}
