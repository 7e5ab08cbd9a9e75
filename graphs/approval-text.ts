import type { ArgSpec, ToolDefinition } from "../agents/packs/index.ts";
import { formatMoney } from "../agents/text/index.ts";

/** One argument as a reviewer reads it: its label and its value formatted ("Amount", "£3,600.00"). */
export interface ShownArg {
  label: string;
  value: string;
}

/**
 * A value as a reviewer reads it in a pack's `format`: `money` as £3,600.00 (from a number, or
 * the numeric text Postgres gives), `yes_no` from true/false or 1/0, anything else as text.
 */
export function formatValue(value: unknown, format: string | undefined): string {
  if (format === "yes_no") return value === true || value === 1 || value === "1" || value === "true" ? "yes" : "no";
  if (typeof value === "boolean") return value ? "yes" : "no";
  const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : Number.NaN;
  if (format === "money" && Number.isFinite(n)) return formatMoney(n);
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** A value as the argument's `format` says it reads; nothing for a missing one. */
export function formatArg(value: unknown, spec: ArgSpec | undefined): string {
  return value === null || value === undefined ? "" : formatValue(value, spec?.format);
}

/** The tool's `title` with each `{arg}` as it reads, or undefined when the pack gives none. */
export function approvalTitle(tool: ToolDefinition | undefined, args: Record<string, unknown>): string | undefined {
  const template = (tool as { spec?: { title?: string } } | undefined)?.spec?.title;
  return template?.replace(/\{([^{}]*)\}/g, (_, name: string) => formatArg(args[name], tool!.args[name]));
}

/** Each argument the pack labels or formats, as a reviewer reads it; undefined when it gives none. */
export function shownArgs(tool: ToolDefinition | undefined, args: Record<string, unknown>): Record<string, ShownArg> | undefined {
  if (!tool || !Object.values(tool.args).some((spec) => spec.label !== undefined || spec.format !== undefined)) return undefined;
  return Object.fromEntries(
    Object.entries(args).map(([name, value]) => [
      name,
      { label: tool.args[name]?.label ?? name, value: formatArg(value, tool.args[name]) },
    ]),
  );
}

const unchanged = (before: Record<string, unknown>, after: Record<string, unknown>, name: string): boolean =>
  JSON.stringify(before[name]) === JSON.stringify(after[name]);

/** The arguments that identify the record an edit was about: those with a pattern it left as they were, in the tool's order. */
function identifyingArgs(tool: ToolDefinition, before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  return Object.keys(tool.args).filter(
    (name) => tool.args[name]!.pattern !== undefined && after[name] !== undefined && unchanged(before, after, name),
  );
}

/**
 * The case an edit was about: the value of the first argument that identifies its record (the
 * claim, the lot), as the lesson it teaches names it; undefined when no argument does.
 * @example editedCase(issuePayment, { claimId: "CLM-1001", amount: 3600 }, { claimId: "CLM-1001", amount: 3000 }) // "CLM-1001"
 */
export function editedCase(tool: ToolDefinition, before: Record<string, unknown>, after: Record<string, unknown>): string | undefined {
  const name = identifyingArgs(tool, before, after)[0];
  return name === undefined ? undefined : formatArg(after[name], tool.args[name]);
}

const lower = (label: string): string => label.charAt(0).toLowerCase() + label.slice(1);
const quoted = (text: string): string => `"${text.length > 60 ? `${text.slice(0, 57)}...` : text}"`;

/**
 * A reviewer's edit as a lesson people and models can read: the case it was about (the arguments
 * that identify a record and did not change), then each change, in the pack's labels and formats.
 * @example "On claim CLM-1001, editing issue_payment, a reviewer lowered the amount from £3,600.00 to £3,000.00."
 */
export function editLesson(tool: ToolDefinition, before: Record<string, unknown>, after: Record<string, unknown>): string {
  const label = (name: string): string => lower(tool.args[name]?.label ?? name);
  const shown = (name: string, value: unknown): string => formatArg(value, tool.args[name]);
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  const cases = identifyingArgs(tool, before, after).map((name) => `${label(name)} ${shown(name, after[name])}`);
  const changes = names
    .filter((name) => !unchanged(before, after, name))
    .map((name) => {
      const [from, to] = [before[name], after[name]];
      if (typeof from === "number" && typeof to === "number")
        return `${to < from ? "lowered" : "raised"} the ${label(name)} from ${shown(name, from)} to ${shown(name, to)}`;
      if (to === undefined) return `removed the ${label(name)} ${quoted(shown(name, from))}`;
      return from === undefined
        ? `set the ${label(name)} to ${quoted(shown(name, to))}`
        : `changed the ${label(name)} from ${quoted(shown(name, from))} to ${quoted(shown(name, to))}`;
    });
  const what = changes.length > 0 ? changes.join(" and ") : "changed nothing";
  return `${cases.length > 0 ? `On ${cases.join(", ")}, ` : ""}editing ${tool.name}, a reviewer ${what}.`.replace(/^e/, "E");
}
