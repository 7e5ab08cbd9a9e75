import type { ModelSummary, RunUsage, TokenUsage } from "../../../server/contract/index.ts";

function Row({ label, usage }: { label: string; usage: TokenUsage }) {
  return (
    <tr>
      <th scope="row">{label}</th>
      <td>{usage.inputTokens.toLocaleString()}</td>
      <td>{usage.outputTokens.toLocaleString()}</td>
      <td>{usage.cost === undefined ? "–" : usage.cost.toFixed(4)}</td>
    </tr>
  );
}

/** The run's token usage: in all, by the supervisor and by each specialist. */
export function UsageView({
  usage,
  model,
  nameOf,
}: {
  usage: RunUsage | undefined;
  model: ModelSummary | undefined;
  nameOf: (id: unknown) => string;
}) {
  return (
    <section className="panel usage" aria-labelledby="usage-title">
      <h2 id="usage-title">Token usage</h2>
      {!usage || (usage.inputTokens === 0 && usage.outputTokens === 0) ? (
        <p className="hint">
          {model?.provider === "offline" ? "None: the offline model uses no language model." : "No tokens reported yet."}
        </p>
      ) : (
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Who</th>
                <th scope="col">Input tokens</th>
                <th scope="col">Output tokens</th>
                <th scope="col">Cost</th>
              </tr>
            </thead>
            <tbody>
              <Row label="All" usage={usage} />
              {usage.supervisor ? <Row label="Supervisor" usage={usage.supervisor} /> : null}
              {Object.entries(usage.bySpecialist ?? {}).map(([id, u]) => (
                <Row key={id} label={nameOf(id)} usage={u} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
