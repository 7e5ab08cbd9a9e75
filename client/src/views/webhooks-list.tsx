import { useEffect, useState } from "react";
import type { Webhook } from "../../../server/contract/index.ts";
import { api } from "../api/rest.ts";
import { useGuild } from "../store/context.tsx";
import { holds } from "../store/guild.ts";
import { useObservable } from "../store/observable.ts";

/** The tenant's webhooks, for its admins: where run and approval events are sent. */
export function WebhooksList() {
  const me = useObservable(useGuild().me);
  const admin = me?.verified === true && holds(me, "admin");
  const [webhooks, setWebhooks] = useState<Webhook[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    if (!admin) return;
    api<{ webhooks: Webhook[] }>("GET", "/api/webhooks").then(
      (answer) => setWebhooks(answer.webhooks),
      (failure: unknown) => setError((failure as Error).message),
    );
  }, [admin]);
  if (!admin) return null;
  return (
    <section className="webhooks" aria-labelledby="webhooks-title">
      <h2 id="webhooks-title">Webhooks of {me.tenant}</h2>
      <p className="hint">
        Made with POST /api/webhooks; each message is signed (Standard Webhooks) with the secret given when the webhook was made.
      </p>
      {error ? <p className="field-error">Could not read the webhooks: {error}</p> : null}
      {webhooks && webhooks.length === 0 ? <p className="empty">No webhooks.</p> : null}
      <ul>
        {(webhooks ?? []).map((w) => (
          <li key={w.id}>
            <code>{w.url}</code>: {w.events.join(", ")}
            {w.runId ? ` (run ${w.runId} only)` : ""}
            {w.description ? ` · ${w.description}` : ""}
          </li>
        ))}
      </ul>
    </section>
  );
}
