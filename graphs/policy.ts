import { violationsIn, type Backend, type DialectSql } from "../agents/backend/index.ts";
import type { Condition, Pack, ToolDefinition } from "../agents/packs/index.ts";
import { formatMoney } from "../agents/text/index.ts";
import type { ApprovalExpiry, ApprovalKind } from "./approval/index.ts";
import { approvalContext, type ContextItem } from "./approval-context.ts";

/** The engine's verdict on one proposed call: whether a reviewer must decide it, and why. */
export interface Gate {
  requiresApproval: boolean;
  /** Why a reviewer is asked, in the policy's words. */
  reasons: string[];
  /** Why the call is high risk, when a risk rule or a high-risk condition applies. */
  highRisk?: string;
  /** The tool's risk rule, when the call is past its limit: kept apart, as a condition may have set `highRisk` first. */
  overLimit?: string;
  /** Set when the call is asked again because the back-end was unavailable: what happened, for the reviewer. */
  retry?: string;
  /** The facts the pack shows a reviewer beside the arguments, looked up when the call was proposed. */
  context?: ContextItem[];
  /** Roles whoever approves or edits the call must hold (a condition's or the risk rule's `requiresRole`). */
  requiresRoles?: string[];
  /** Four eyes: the call's editor may not approve its re-ask, the run's starter may not approve it when high risk. */
  fourEyes?: boolean;
  /** The pack's `refuse` preconditions the call breaks: it is not made, and the run says why. */
  refused?: string[];
  /** The pack's `ask` preconditions the call breaks, shown to the reviewer in red. */
  violations?: string[];
  /** Which `ask` preconditions (by their place) the reviewer was shown broken: not checked again when the effect runs. */
  waived?: number[];
}

const NO_GATE: Gate = { requiresApproval: false, reasons: [] };

/** What the policy reads besides the call: the pack's rules and its back-end (for lookups). */
export interface PolicyContext {
  pack: Pack;
  backend: Backend;
}

/** SQLite answers booleans as 0/1, so a condition's `true` matches 1. */
function compare(actual: unknown, op: Condition["op"], expected: Condition["value"]): boolean {
  const a = typeof actual === "boolean" ? Number(actual) : actual;
  const e = typeof expected === "boolean" ? Number(expected) : expected;
  if (typeof e === "number") {
    const n = typeof a === "number" ? a : typeof a === "string" && a.trim() !== "" ? Number(a) : Number.NaN;
    if (!Number.isFinite(n)) return op === "!=";
    return op === ">" ? n > e : op === ">=" ? n >= e : op === "<" ? n < e : op === "<=" ? n <= e : op === "==" ? n === e : n !== e;
  }
  const text = a === null || a === undefined ? undefined : String(a);
  if (op === "==") return text === e;
  if (op === "!=") return text !== e;
  if (text === undefined) return false;
  return op === ">" ? text > e : op === ">=" ? text >= e : op === "<" ? text < e : text <= e;
}

/**
 * Whether a condition holds for a call. A lookup that fails or finds nothing holds, so that a
 * back-end problem asks a reviewer rather than lets a call through.
 */
async function holds(
  context: PolicyContext,
  condition: Condition,
  args: Record<string, unknown>,
): Promise<{ held: boolean; note?: string }> {
  if (condition.arg !== undefined) return { held: compare(args[condition.arg], condition.op, condition.value) };
  const lookup = context.pack.tools.get(condition.lookup!.tool)!;
  const lookupArgs = Object.fromEntries(
    Object.keys(lookup.args)
      .filter((name) => name in args)
      .map((name) => [name, args[name]]),
  );
  try {
    const row = (await context.backend.query(lookup.sql, lookupArgs, "row")) as Record<string, unknown> | null;
    if (!row) return { held: true, note: `${lookup.name} found nothing to check` };
    return { held: compare(row[condition.lookup!.field], condition.op, condition.value) };
  } catch (error) {
    return { held: true, note: `${lookup.name} could not be checked: ${(error as Error).message}` };
  }
}

/** What each of the tool's preconditions finds wrong with the call now (a check that fails asks a reviewer). */
async function brokenRules(context: PolicyContext, tool: ToolDefinition, args: Record<string, unknown>) {
  const broken: { index: number; onViolation: "refuse" | "ask"; violations: string[] }[] = [];
  for (const [index, rule] of (tool.preconditions ?? []).entries()) {
    try {
      const violations = violationsIn((await context.backend.query(rule.sql, args, "rows")) as unknown[]);
      if (violations.length > 0) broken.push({ index, onViolation: rule.onViolation, violations });
    } catch (error) {
      broken.push({ index, onViolation: "ask", violations: [`a rule of ${tool.name} could not be checked: ${(error as Error).message}`] });
    }
  }
  return broken;
}

/** The SQL of the preconditions to check again inside the effect's transaction: all but those a reviewer was shown broken. */
export function checksFor(tool: ToolDefinition, gate: Gate | undefined): DialectSql[] {
  return (tool.preconditions ?? []).filter((_, index) => !gate?.waived?.includes(index)).map((rule) => rule.sql);
}

/**
 * Decides from the pack's policy, never from the model, whether a call needs a reviewer: the
 * specialist's policy, the tool's (`always`, `never`, or conditions on the arguments and the
 * back-end), and the tool's risk rule for the high-risk mark.
 */
export async function gateFor(
  context: PolicyContext,
  specialistId: string,
  tool: ToolDefinition,
  args: Record<string, unknown>,
): Promise<Gate> {
  const broken = await brokenRules(context, tool, args);
  const refused = broken.filter((b) => b.onViolation === "refuse").flatMap((b) => b.violations);
  if (refused.length > 0) return { requiresApproval: false, reasons: [], refused };
  const asked = broken.filter((b) => b.onViolation === "ask");
  const violations = asked.flatMap((b) => b.violations);
  const reasons: string[] = [];
  const roles = new Set<string>();
  let fourEyes = tool.fourEyes === true;
  let highRisk: string | undefined;
  for (const condition of tool.approval.when) {
    const { held, note } = await holds(context, condition, args);
    if (!held) continue;
    reasons.push(note ? `${condition.reason} (${note})` : condition.reason);
    if (condition.highRisk) highRisk ??= condition.reason;
    if (condition.requiresRole) roles.add(condition.requiresRole);
    fourEyes ||= condition.fourEyes === true;
  }
  const specialist = context.pack.specialists.find((s) => s.id === specialistId);
  if (reasons.length === 0 && violations.length === 0 && tool.approval.otherwise !== "always") {
    if (specialist?.approval !== "always") return NO_GATE;
    reasons.push(`every call by ${specialist.name} needs a reviewer`);
  }
  const rule = tool.risk;
  const value = rule ? Number(args[rule.field]) : Number.NaN;
  const overLimit =
    rule && Number.isFinite(value) && value > rule.above
      ? `${rule.field} ${formatMoney(value)} is above ${formatMoney(rule.above)}: ${rule.reason}`
      : undefined;
  highRisk ??= overLimit;
  if (overLimit && rule?.requiresRole) roles.add(rule.requiresRole);
  const facts = await approvalContext(context, tool, args);
  return {
    requiresApproval: true,
    reasons,
    ...(highRisk ? { highRisk } : {}),
    ...(overLimit ? { overLimit } : {}),
    ...(roles.size > 0 ? { requiresRoles: [...roles] } : {}),
    ...(fourEyes ? { fourEyes } : {}),
    ...(facts.length > 0 ? { context: facts } : {}),
    ...(violations.length > 0 ? { violations, waived: asked.map((b) => b.index) } : {}),
  };
}

/** The verdict on a pending call of a step: the one taken when it was proposed (older checkpoints: now). */
export async function gateOfPending(
  context: PolicyContext,
  work: { specialist: string; gates?: Record<string, Gate> },
  call: { id: string; args: Record<string, unknown> },
  tool: ToolDefinition,
): Promise<Gate> {
  return work.gates?.[call.id] ?? gateFor(context, work.specialist, tool, call.args);
}

/** The arguments the pack marks sensitive whose value an edit changed. */
export function changedSensitiveArgs(tool: ToolDefinition, proposed: Record<string, unknown>, edited: Record<string, unknown>): string[] {
  return Object.entries(tool.args)
    .filter(([name, spec]) => spec.sensitive && JSON.stringify(proposed[name]) !== JSON.stringify(edited[name]))
    .map(([name]) => name);
}

/**
 * A reviewer's edit can raise what a call risks (a payment edited past the authority limit, to
 * another claim whose customer is flagged) or change an argument the pack marks sensitive (the
 * payee). Then the edited call needs an approval of its own, with the edited verdict; returns
 * that verdict, or undefined when the edit may go ahead.
 */
export function gateOfEdit(proposed: Gate, edited: Gate, changedSensitive: readonly string[] = []): Gate | undefined {
  const newReasons = edited.reasons.filter((r) => !proposed.reasons.includes(r));
  const newlyHighRisk = edited.highRisk !== undefined && proposed.highRisk === undefined;
  // A call already high risk for another reason (a flagged customer) can still be edited past the limit.
  const newlyOverLimit = edited.overLimit !== undefined && proposed.overLimit === undefined;
  const raised = newReasons.length > 0 || newlyHighRisk || newlyOverLimit;
  if (!raised && changedSensitive.length === 0) return undefined;
  const highRisk =
    newlyOverLimit && edited.highRisk !== edited.overLimit
      ? `${edited.highRisk!.replace(/\.$/, "")}; ${edited.overLimit}`
      : edited.highRisk;
  const why = [
    ...(raised ? ["a reviewer's edit raised the risk, so the edited call needs its own approval"] : []),
    ...(changedSensitive.length > 0
      ? [`a reviewer changed ${changedSensitive.join(" and ")}, which the pack marks sensitive, so the edited call needs its own approval`]
      : []),
  ];
  return {
    ...edited,
    requiresApproval: true,
    reasons: [...edited.reasons, ...why],
    ...(highRisk ? { highRisk } : {}),
  };
}

/**
 * The verdict for trying an effect again after its back-end stayed unavailable (through its own
 * retries): a reviewer decides, approve to try again under the same key, reject to skip it.
 */
export function gateOfRetry(failure: string, tried: Gate | undefined): Gate {
  return {
    requiresApproval: true,
    reasons: [
      "the back-end was unavailable, so it is not known to be done: approve to try again (under the same idempotency key, so it still happens at most once), reject to skip it",
    ],
    retry: failure,
    // The rules a reviewer approved the call knowing it broke stay approved when it is tried again.
    ...(tried?.waived ? { waived: tried.waived } : {}),
  };
}

/** How often a reviewer may send a step, a plan or an answer back with feedback before only a final decision is offered. */
export const MAX_RESPONSES_PER_STEP = 3;

/**
 * The pack's terms for an approval of a kind: its deadline, if any, and, once `feedbackRounds`
 * reached the limit, no more feedback and an escalation at once (`what` names the subject).
 */
export function approvalTerms(
  pack: Pack,
  kind: ApprovalKind,
  feedbackRounds: number,
  what: string,
): { allowRespond: boolean; terms: { expiry?: ApprovalExpiry; escalation?: { reason: string; to?: string } } } {
  const policy = pack.policy.expiry[kind];
  const expiry: ApprovalExpiry | undefined = policy && {
    afterMs: policy.after,
    fallback: policy.fallback,
    ...(policy.escalateTo ? { escalateTo: policy.escalateTo } : {}),
  };
  const usedUp = feedbackRounds >= MAX_RESPONSES_PER_STEP;
  return {
    allowRespond: !usedUp,
    terms: {
      ...(expiry ? { expiry } : {}),
      ...(usedUp
        ? {
            escalation: {
              reason: `${MAX_RESPONSES_PER_STEP} rounds of feedback did not settle ${what}`,
              ...(expiry?.escalateTo ? { to: expiry.escalateTo } : {}),
            },
          }
        : {}),
    },
  };
}
