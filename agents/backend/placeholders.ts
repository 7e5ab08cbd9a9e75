/** SQL with numbered parameters (`$1`, `$2`, ...) and the argument name each number takes. */
export interface PositionalSql {
  readonly text: string;
  /** `names[i]` is the argument bound to `$${i + 1}`. */
  readonly names: readonly string[];
}

const IDENT_START = /[A-Za-z_]/;
const IDENT_PART = /[A-Za-z0-9_]/;
const DOLLAR_TAG = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/;

/** The index just past the quoted run that starts at `start` (a `'` or `"`; doubled quotes stay inside). */
function endOfQuoted(sql: string, start: number, backslashEscapes: boolean): number {
  const quote = sql[start]!;
  let i = start + 1;
  while (i < sql.length) {
    const c = sql[i]!;
    if (backslashEscapes && c === "\\") i += 2;
    else if (c === quote && sql[i + 1] === quote) i += 2;
    else if (c === quote) return i + 1;
    else i += 1;
  }
  return sql.length;
}

/** The index just past the block comment at `start`; Postgres nests them. */
function endOfBlockComment(sql: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < sql.length) {
    if (sql.startsWith("/*", i)) {
      depth += 1;
      i += 2;
    } else if (sql.startsWith("*/", i)) {
      depth -= 1;
      i += 2;
      if (depth === 0) return i;
    } else i += 1;
  }
  return sql.length;
}

/**
 * Walks `sql`, handing each `:name` parameter outside string literals, quoted identifiers,
 * comments and dollar-quoted bodies to `onParameter`, whose return replaces it; everything else,
 * `::` casts included, is copied as it is.
 */
function rewrite(sql: string, onParameter: (name: string) => string): string {
  let out = "";
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    const before = i > 0 ? sql[i - 1]! : "";
    let end = i + 1;
    if (c === "'") {
      // E'...' strings take backslash escapes; 'it''s' and plain strings do not.
      const escaped = (before === "E" || before === "e") && !IDENT_PART.test(i > 1 ? sql[i - 2]! : "");
      end = endOfQuoted(sql, i, escaped);
    } else if (c === '"') end = endOfQuoted(sql, i, false);
    else if (sql.startsWith("--", i)) {
      const newline = sql.indexOf("\n", i);
      end = newline === -1 ? sql.length : newline;
    } else if (sql.startsWith("/*", i)) end = endOfBlockComment(sql, i);
    else if (c === "$" && !IDENT_PART.test(before)) {
      const tag = DOLLAR_TAG.exec(sql.slice(i))?.[0];
      if (tag) {
        const close = sql.indexOf(tag, i + tag.length);
        end = close === -1 ? sql.length : close + tag.length;
      }
    } else if (sql.startsWith("::", i)) end = i + 2;
    else if (c === ":" && IDENT_START.test(sql[i + 1] ?? "")) {
      end = i + 2;
      while (end < sql.length && IDENT_PART.test(sql[end]!)) end += 1;
      out += onParameter(sql.slice(i + 1, end));
      i = end;
      continue;
    }
    out += sql.slice(i, end);
    i = end;
  }
  return out;
}

/**
 * Turns named parameters (`:claimId`) into Postgres's numbered ones (`$1`), the same number for
 * each use of a name.
 * @example toPositional("SELECT :a::text, ':b', :a") // { text: "SELECT $1::text, ':b', $1", names: ["a"] }
 */
export function toPositional(sql: string): PositionalSql {
  const names: string[] = [];
  const text = rewrite(sql, (name) => {
    let index = names.indexOf(name);
    if (index === -1) index = names.push(name) - 1;
    return `$${index + 1}`;
  });
  return { text, names };
}

/** The named parameters `sql` uses, each once, in order of first use. */
export function namedParameters(sql: string): readonly string[] {
  return toPositional(sql).names;
}
