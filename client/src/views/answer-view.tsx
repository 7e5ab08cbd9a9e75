import type { Citation } from "../../../server/contract/index.ts";

/** The final answer, as text, with each citation's source and excerpt. */
export function AnswerView({ answer, citations }: { answer: string; citations: readonly Citation[] }) {
  return (
    <section className="panel answer" aria-labelledby="answer-title">
      <h2 id="answer-title">Answer</h2>
      <pre className="text answer-text">{answer}</pre>
      <h3>Citations</h3>
      {citations.length === 0 ? <p className="hint">No citations.</p> : null}
      <ol className="citations">
        {citations.map((c, i) => (
          <li key={`${c.source}-${i}`}>
            <cite>{c.source}</cite>
            <blockquote>{c.excerpt}</blockquote>
          </li>
        ))}
      </ol>
    </section>
  );
}
