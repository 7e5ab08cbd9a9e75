import { useSyncExternalStore } from "react";

/** Where the reviewer is: the inbox (the start page), the lessons, or one run. Kept in the URL's hash, so a reload comes back to it. */
export type Screen = { view: "inbox" } | { view: "lessons" } | { view: "run"; runId: string };

function parseScreen(hash: string): Screen {
  const run = /^#\/runs\/([^/?#]+)/.exec(hash);
  if (run) return { view: "run", runId: decodeURIComponent(run[1]!) };
  if (/^#\/lessons\/?$/.test(hash)) return { view: "lessons" };
  return { view: "inbox" };
}

export const runHref = (runId: string): string => `#/runs/${encodeURIComponent(runId)}`;
export const INBOX_HREF = "#/inbox";
export const LESSONS_HREF = "#/lessons";

const subscribe = (listener: () => void): (() => void) => {
  window.addEventListener("hashchange", listener);
  return () => window.removeEventListener("hashchange", listener);
};

/** The current route; the component renders again when it changes. */
export function useRoute(): Screen {
  return parseScreen(useSyncExternalStore(subscribe, () => window.location.hash));
}
