import type { PackTool } from "../agents/packs/index.ts";
import { formatMoney } from "../agents/text/index.ts";

export interface Gate {
  requiresApproval: boolean;
  /** Why the call is high risk, when a risk rule of the pack applies. */
  highRisk?: string;
}

/** Decides from the pack's policy, never from the model, whether a call needs a reviewer. */
export function gateFor(tool: PackTool, args: Record<string, unknown>): Gate {
  if (!tool.requiresApproval) return { requiresApproval: false };
  const rule = tool.risk;
  const value = rule ? Number(args[rule.field]) : Number.NaN;
  if (rule && Number.isFinite(value) && value > rule.above) {
    return { requiresApproval: true, highRisk: `${rule.field} ${formatMoney(value)} is above ${formatMoney(rule.above)}: ${rule.reason}` };
  }
  return { requiresApproval: true };
}
