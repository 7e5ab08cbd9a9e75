/** Arguments, results and other JSON values, shown readably and always as text. */

const MAX_DEPTH = 4;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function ValueView({ value, depth = 0 }: { value: unknown; depth?: number }) {
  if (value === null || value === undefined) return <code className="value-empty">{String(value)}</code>;
  if (typeof value === "string")
    return value.includes("\n") || value.length > 120 ? <pre className="text">{value}</pre> : <span className="value-text">{value}</span>;
  if (typeof value === "number" || typeof value === "boolean") return <code>{String(value)}</code>;
  if (depth >= MAX_DEPTH) return <pre className="text">{JSON.stringify(value, null, 2)}</pre>;
  if (Array.isArray(value)) {
    if (value.length === 0) return <code className="value-empty">(none)</code>;
    if (value.every((v) => typeof v !== "object" || v === null)) return <span className="value-text">{value.map(String).join(", ")}</span>;
    return (
      <ol className="value-list">
        {value.map((item, i) => (
          <li key={i}>
            <ValueView value={item} depth={depth + 1} />
          </li>
        ))}
      </ol>
    );
  }
  if (isRecord(value)) return <FieldList fields={value} depth={depth + 1} />;
  return <span className="value-text">{String(value)}</span>;
}

/** Named values as a definition list: `name` then its value. */
export function FieldList({ fields, depth = 0 }: { fields: Record<string, unknown>; depth?: number }) {
  const entries = Object.entries(fields);
  if (entries.length === 0) return <code className="value-empty">(none)</code>;
  return (
    <dl className="fields">
      {entries.map(([name, value]) => (
        <div key={name} className="field">
          <dt>{name}</dt>
          <dd>
            <ValueView value={value} depth={depth} />
          </dd>
        </div>
      ))}
    </dl>
  );
}
