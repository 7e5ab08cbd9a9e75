import type { ArgSpec, ToolDefinition } from "../agents/packs/index.ts";
import { formatMoney } from "../agents/text/index.ts";

/** One argument as a reviewer reads it: its label and its value formatted ("Amount", "£3,600.00"). */
export interface ShownArg {
  label: string;
  value: string;
}

/** A value as the argument's `format` says it reads; text as it is. */
export function formatArg(value: unknown, spec: ArgSpec | undefined): string {
  if (value === null || value === undefined) return "";
  if (spec?.format === "money" && typeof value === "number") return formatMoney(value);
  if (typeof value === "boolean") return value ? "yes" : "no";
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** The tool's `title` with each `{arg}` as it reads, or undefined when the pack gives none. */
export function approvalTitle(tool: ToolDefinition | undefined, args: Record<string, unknown>): string | undefined {
  const template = (tool as { spec?: { title?: string } } | undefined)?.spec?.title;
  return template?.replace(/\{([^{}]*)\}/g, (_, name: string) => formatArg(args[name], tool!.args[name]));
}

/** Each argument the pack labels or formats, as a reviewer reads it; undefined when it gives none. */
export function shownArgs(tool: ToolDefinition | undefined, args: Record<string, unknown>): Record<string, ShownArg> | undefined {
  if (!tool || !Object.values(tool.args).some((spec) => spec.label !== undefined || spec.format !== undefined)) return undefined;
  return Object.fromEntries(Object.entries(args).map(([name, value]) => [name, { label: tool.args[name]?.label ?? name, value: formatArg(value, tool.args[name]) }]));
}
