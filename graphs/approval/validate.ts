import { z } from "zod";
import { GuildError } from "../../agents/errors/index.ts";
import type { Pack, ToolDefinition } from "../../agents/packs/index.ts";
import { allowedDecisions, type ApprovalRequest, type Decision } from "./decision.ts";

const PlanEditSchema = z.strictObject({
  steps: z
    .array(z.strictObject({ specialist: z.string().min(1), instruction: z.string().trim().min(1).max(4000) }))
    .min(1, "a plan needs at least one step")
    .max(20),
});

const AnswerEditSchema = z.object({ answer: z.string().trim().min(1, "the answer must not be empty").max(20_000) });

function invalid(message: string, field: string): GuildError {
  return new GuildError("invalid_input", message, { details: { field } });
}

/**
 * Edited arguments that fail the tool's schema: every field at fault, in plain words ("amount:
 * must be at least 0.01; payee: must not be empty"), and each in `details.issues` for a form.
 */
function invalidArgs(tool: string, error: z.ZodError): GuildError {
  const issues = error.issues.map((i) => ({ field: ["args", ...i.path].join("."), message: i.message }));
  const text = error.issues.map((i) => `${i.path.length ? `${i.path.join(".")}: ` : ""}${i.message}`).join("; ");
  return new GuildError("invalid_input", `edited arguments for ${tool}: ${text}`, { details: { field: issues[0]!.field, issues } });
}

/**
 * Checks a decision against the approval it answers before the run is resumed: the type must be
 * allowed, edited arguments must satisfy the tool's schema (or name real specialists, for a plan),
 * and a redirect must name another specialist of the pack. Returns the decision to resume with.
 * `tool` is the called tool when it is not one of the pack's SQL tools (an MCP tool).
 */
export function validateDecision(pack: Pack, request: ApprovalRequest, decision: Decision, called?: ToolDefinition): Decision {
  const allowed = allowedDecisions(request);
  if (!allowed[decision.type]) {
    const offered = Object.entries(allowed)
      .filter(([, ok]) => ok)
      .map(([type]) => type);
    throw invalid(`this ${request.guild.kind} approval does not allow '${decision.type}'; it allows ${offered.join(", ")}`, "type");
  }
  const specialists = new Set(pack.specialists.map((s) => s.id));
  if (decision.type === "redirect") {
    if (!specialists.has(decision.specialist)) throw invalid(`no specialist '${decision.specialist}' in pack ${pack.id}`, "specialist");
    if (decision.specialist === request.guild.specialist)
      throw invalid("redirect to a different specialist than the one proposing", "specialist");
  }
  if (decision.type !== "edit") return decision;

  if (request.guild.kind === "plan") {
    const parsed = PlanEditSchema.safeParse(decision.args);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw invalid(`edited plan: ${issue.path.join(".") || "steps"}: ${issue.message}`, ["args", ...issue.path].join("."));
    }
    const unknown = parsed.data.steps.findIndex((s) => !specialists.has(s.specialist));
    if (unknown >= 0)
      throw invalid(`edited plan: no specialist '${parsed.data.steps[unknown]!.specialist}'`, `args.steps.${unknown}.specialist`);
    return { ...decision, args: parsed.data };
  }
  if (request.guild.kind === "answer") {
    const parsed = AnswerEditSchema.safeParse(decision.args);
    if (!parsed.success) throw invalid(`edited answer: ${parsed.error.issues[0]!.message}`, "args.answer");
    return { ...decision, args: { answer: parsed.data.answer } };
  }
  const tool = called ?? pack.tools.get(request.action_request.action);
  if (!tool) throw new GuildError("internal", `approval for unknown tool ${request.action_request.action}`);
  const parsed = tool.schema.safeParse(decision.args);
  if (!parsed.success) throw invalidArgs(tool.name, parsed.error);
  return { ...decision, args: parsed.data };
}
