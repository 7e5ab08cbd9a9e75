import type { Backend } from "../agents/backend/index.ts";
import type { Pack, PackTool, ToolDefinition } from "../agents/packs/index.ts";
import { formatValue } from "./approval-text.ts";

/** One fact on an approval card: "Claim status: open", "Paid so far: £0.00". */
export interface ContextItem {
  label: string;
  value: string;
}

/**
 * The facts the pack declares for a gated call's card (`context` on the tool), looked up in the
 * back-end with the call's arguments: each query tool runs once. A lookup that finds nothing or
 * fails says so in the value, never hides the approval.
 */
export async function approvalContext(
  context: { pack: Pack; backend: Backend },
  tool: ToolDefinition,
  args: Record<string, unknown>,
): Promise<ContextItem[]> {
  const fields = (tool as Partial<PackTool>).spec?.context ?? [];
  const rows = new Map<string, Promise<{ row?: Record<string, unknown>; note?: string }>>();
  const rowOf = (name: string) => {
    let row = rows.get(name);
    if (!row) {
      const lookup = context.pack.tools.get(name)!;
      const lookupArgs = Object.fromEntries(
        Object.keys(lookup.args)
          .filter((arg) => arg in args)
          .map((arg) => [arg, args[arg]]),
      );
      row = context.backend.query(lookup.sql, lookupArgs, "row").then(
        (found) => (found ? { row: found as Record<string, unknown> } : { note: "not found" }),
        (error: Error) => ({ note: `could not be read (${error.message})` }),
      );
      rows.set(name, row);
    }
    return row;
  };
  const items: ContextItem[] = [];
  for (const field of fields) {
    const { row, note } = await rowOf(field.lookup.tool);
    items.push({
      label: field.label,
      value: row ? (row[field.lookup.field] == null ? "none" : formatValue(row[field.lookup.field], field.format)) : note!,
    });
  }
  return items;
}
