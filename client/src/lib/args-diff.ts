/** One argument of an approval's action: as proposed, and as the action went ahead. */
export interface ArgChange {
  /** Where it is: `amount`, or `steps › 2 › specialist` inside a list (counted from 1, as people count). */
  path: string;
  /** Absent when the argument was added by the edit. */
  before?: unknown;
  /** Absent when the edit removed it. */
  after?: unknown;
  changed: boolean;
}

/** How deep arguments are taken apart; anything deeper is compared whole. */
const MAX_DEPTH = 4;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The values at the leaves of a JSON value, by path, in the order they stand. */
function leaves(value: unknown, path: string[], depth: number, into: Map<string, unknown>): void {
  const children: [string, unknown][] = Array.isArray(value)
    ? value.map((item, i) => [String(i + 1), item])
    : isRecord(value)
      ? Object.entries(value)
      : [];
  if (children.length === 0 || depth >= MAX_DEPTH) {
    into.set(path.join(" › "), value);
    return;
  }
  for (const [key, child] of children) leaves(child, [...path, key], depth + 1, into);
}

/**
 * The arguments before and after, leaf by leaf: those of `before` in their order, then any the
 * edit added; each marked changed or not.
 * @example diffArgs({ amount: 3600, payee: "E" }, { amount: 3000, payee: "E" })
 *   // [{ path: "amount", before: 3600, after: 3000, changed: true }, { path: "payee", ..., changed: false }]
 */
export function diffArgs(before: Record<string, unknown>, after: Record<string, unknown>): ArgChange[] {
  const was = new Map<string, unknown>();
  const now = new Map<string, unknown>();
  leaves(before, [], 0, was);
  leaves(after, [], 0, now);
  was.delete("");
  now.delete("");
  const paths = [...was.keys(), ...[...now.keys()].filter((path) => !was.has(path))];
  return paths.map((path) => ({
    path,
    ...(was.has(path) ? { before: was.get(path) } : {}),
    ...(now.has(path) ? { after: now.get(path) } : {}),
    changed: !was.has(path) || !now.has(path) || JSON.stringify(was.get(path)) !== JSON.stringify(now.get(path)),
  }));
}

/** A value of an argument as one line of text; JSON for anything but a string. */
export function argText(value: unknown): string {
  if (value === undefined) return "(none)";
  return typeof value === "string" ? value : JSON.stringify(value);
}
