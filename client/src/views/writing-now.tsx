import type { Writing } from "../store/run-feeds.ts";

/** The active model's text as its tokens stream in; gone once its message is finished. */
export function WritingNow({ writing, nameOf }: { writing: Writing | undefined; nameOf: (id: unknown) => string }) {
  if (!writing) return null;
  const who = writing.specialist ? nameOf(writing.specialist) : "Supervisor";
  return (
    <section className="panel writing" aria-labelledby="writing-title">
      <h2 id="writing-title">{who} is writing…</h2>
      {/* Not a live region: a screen reader would read every token. */}
      <pre className="text">{writing.text}</pre>
    </section>
  );
}
