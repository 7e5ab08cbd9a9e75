import { coverage, termWords, type Focus, type FocusTerm } from "../../knowledge/index.ts";
import { FLAG_FIELD, holdsKind, MONEY_FIELD, NAME_FIELD, toolTerms, type FitTool } from "../../tools/index.ts";
import { formatMoney } from "../../text/index.ts";

type Row = Record<string, unknown>;

// How many rows of a list, and fields of a row, an answer shows.
const MAX_ROWS = 12;
const MAX_FIELDS = 6;

const label = (key: string): string => key.replace(/_/g, " ");

/** A field's value as a person reads it: money in pounds, a 0/1 flag as yes/no. */
export function describeValue(key: string, value: unknown): string {
  if (FLAG_FIELD.test(key) && (value === 0 || value === 1 || typeof value === "boolean"))
    return value === true || value === 1 ? "yes" : "no";
  return MONEY_FIELD.test(key) && typeof value === "number" ? formatMoney(value) : String(value);
}

const shown = (row: Row, key: string): string => `${label(key)} ${describeValue(key, row[key])}`;

/**
 * The fields of a row that a question is about: whose names cover some of its words ("sum
 * insured", "status", "email"), and a person's name when it asks who.
 */
function relevantFields(row: Row, focus: Focus): string[] {
  return Object.keys(row).filter(
    (key) =>
      row[key] !== null &&
      row[key] !== undefined &&
      (coverage(focus.terms, new Set(termWords(label(key)).keys())).share > 0 || (focus.wants.includes("name") && NAME_FIELD.test(key))),
  );
}

const printable = (row: Row) => Object.keys(row).filter((k) => row[k] !== null && row[k] !== undefined && String(row[k]).length <= 120);

/**
 * The arithmetic of a settlement record, when it has one and it checks out: the lesser of the
 * amount claimed and the sum insured, minus the excess, never below zero.
 */
function settlementArithmetic(row: Row): string | undefined {
  const { claimed_amount: claimed, sum_insured: insured, excess, amount } = row;
  if (![claimed, insured, excess, amount].every((v) => typeof v === "number")) return undefined;
  const [c, s, e, a] = [claimed, insured, excess, amount] as number[];
  if (Math.abs(Math.max(0, Math.min(c!, s!) - e!) - a!) > 0.005) return undefined;
  const base = Math.min(c!, s!);
  const capped =
    c! > s!
      ? `the sum insured ${formatMoney(s)} (less than the ${formatMoney(c)} claimed)`
      : `the amount claimed ${formatMoney(c)} (within the sum insured ${formatMoney(s)})`;
  const below = base - e! < 0 ? ", which is below zero, so nothing is paid" : "";
  return `payout ${formatMoney(a)} = ${capped} minus the excess ${formatMoney(e)}${below}`;
}

/**
 * A record for an answer: the arithmetic of a settlement, then the fields the question is about
 * (the first fields when it names none), ids first; a list shows each row the same way.
 * @example describeRecord({ claim_id: "CLM-1040", claim_status: "open" }, plainFocus("What status?")) // "claim id CLM-1040, claim status open"
 */
export function describeRecord(record: unknown, focus: Focus): string {
  if (record === null || record === undefined) return "nothing found";
  if (Array.isArray(record)) {
    if (record.length === 0) return "none found";
    const rows = (record as Row[]).slice(0, MAX_ROWS).map((row) => describeRow(row, focus, true));
    const more = record.length > MAX_ROWS ? `; and ${record.length - MAX_ROWS} more` : "";
    return `${record.length} record${record.length === 1 ? "" : "s"}: ${rows.join("; ")}${more}`;
  }
  if (typeof record !== "object") return String(record);
  return describeRow(record as Row, focus, false);
}

/** The question's telling words: those weighing nearly as much as its most telling one. */
function tellingTerms(focus: Focus): FocusTerm[] {
  const most = Math.max(0, ...focus.terms.map((t) => t.weight));
  return focus.terms.filter((t) => t.weight >= most * 0.75);
}

function describeRow(row: Row, focus: Focus, inList: boolean): string {
  const fields = printable(row);
  const id = fields[0];
  const matched = relevantFields(row, focus).filter((k) => fields.includes(k));
  // Fields that only match the question's common words ("customer") are a guess at what it asks
  // ("ring the customer ... what number?" asks for the phone): then the whole record is shown.
  const telling = tellingTerms(focus);
  const sure = matched.some(
    (k) =>
      !/(^|_)id$/.test(k) &&
      (coverage(telling, new Set(termWords(label(k)).keys())).share > 0 || (focus.wants.includes("name") && NAME_FIELD.test(k))),
  );
  const relevant = sure ? matched : [];
  const chosen =
    relevant.length > 0
      ? [...new Set([...(id ? [id] : []), ...relevant])].slice(0, MAX_FIELDS + 1)
      : fields.slice(0, inList ? 4 : MAX_FIELDS + 2);
  const arithmetic = settlementArithmetic(row);
  const parts = chosen.map((k) => shown(row, k));
  return arithmetic && !inList ? `${arithmetic}; ${parts.join(", ")}` : parts.join(", ");
}

/** A record answers a question when its tool, fields and short values cover at least this share of it. */
const RECORD_ANSWERS = 0.5;

/**
 * Whether a record answers the question: what its tool is for, its fields' names (an id names a
 * record and answers nothing) and its short values ("open", "lapsed") cover most of the question,
 * and it has a field of the kind of value asked for.
 */
export function answersQuestion(record: unknown, focus: Focus, tool: FitTool | undefined): boolean {
  if (record === null || record === undefined) return false;
  const rows = (Array.isArray(record) ? record : [record]).filter((r): r is Row => typeof r === "object" && r !== null);
  const terms = new Set(tool ? toolTerms(tool) : []);
  for (const row of rows) {
    for (const [key, value] of Object.entries(row)) {
      if (/(^|_)id$/.test(key)) continue;
      for (const term of termWords(label(key)).keys()) terms.add(term);
      if (typeof value === "string" && value.length <= 30) for (const term of termWords(label(value)).keys()) terms.add(term);
    }
  }
  // "Who ...?" needs a field that names someone, "How much ...?" one that holds money or a share.
  const holds = (kind: Focus["answer"]) =>
    rows.some((row) => Object.entries(row).some(([key, value]) => value !== null && value !== undefined && holdsKind(key, kind)));
  const typed = (!focus.wants.includes("name") || holds("name")) && (focus.answer !== "amount" || holds("amount"));
  return rows.length > 0 && typed && coverage(focus.terms, terms).share >= RECORD_ANSWERS;
}
