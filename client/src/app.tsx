import { useRoute } from "./lib/route.ts";
import { useObservable } from "./store/observable.ts";
import { useGuild } from "./store/context.tsx";
import { ApiKeyForm } from "./views/api-key-form.tsx";
import { Header } from "./views/header.tsx";
import { InboxView } from "./views/inbox-view.tsx";
import { LessonsView } from "./views/lessons-view.tsx";
import { RunList } from "./views/run-list.tsx";
import { RunView } from "./views/run-view.tsx";
import { StartRunForm } from "./views/start-run-form.tsx";

/** The reviewers' client: header, start form and run list beside the inbox, the lessons or one run. */
export function App() {
  const route = useRoute();
  const { server } = useGuild();
  const { needsKey } = useObservable(server);
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <Header />
      {needsKey ? (
        <main id="main" className="single">
          <ApiKeyForm />
        </main>
      ) : (
        <div className="layout">
          <aside className="sidebar" aria-label="Start and runs">
            <StartRunForm />
            <RunList selected={route.view === "run" ? route.runId : undefined} />
          </aside>
          <main id="main" tabIndex={-1}>
            {route.view === "run" ? (
              <RunView key={route.runId} runId={route.runId} />
            ) : route.view === "lessons" ? (
              <LessonsView />
            ) : (
              <InboxView />
            )}
          </main>
        </div>
      )}
    </>
  );
}
