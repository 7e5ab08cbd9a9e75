import type { z } from "zod";
import { toolArgsSchema } from "../../tools/index.ts";
import type { PlannedStep, ToolCard } from "../types.ts";
import { planSchema, wireName } from "./prompts.ts";
import type { RawToolCall, Reply } from "./stream.ts";

/** A model's answer read against what it had to be: the value, or why it is not valid. */
export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

/** Zod issues as one line a model (and a person) can act on: `steps.0.specialist: Invalid option ...`; each issue after `prefix`. */
export function issuesText(error: z.ZodError, prefix = ""): string {
  return error.issues.map((i) => `${prefix}${i.path.length ? `${i.path.join(".")}: ` : ""}${i.message}`).join("; ");
}

/** Small models often fence JSON in Markdown even when asked for JSON only. */
function unfenced(text: string): string {
  return text.trim().replace(/^```(?:json)?\s*([\s\S]*?)\s*```$/i, "$1");
}

/** The plan in a supervisor's answer, if it is valid JSON naming known specialists. */
export function checkPlan(reply: Reply, specialistIds: readonly string[]): Checked<PlannedStep[]> {
  let json: unknown;
  try {
    json = JSON.parse(unfenced(reply.text));
  } catch (error) {
    return { ok: false, error: `the answer is not JSON (${(error as Error).message})` };
  }
  const parsed = planSchema(specialistIds).safeParse(json);
  return parsed.success ? { ok: true, value: parsed.data.steps } : { ok: false, error: issuesText(parsed.error) };
}

/** A tool call that names one of the specialist's tools, with arguments that satisfy its schema. */
export interface CheckedCall {
  id: string;
  name: string;
  args: Record<string, unknown>;
}

function checkCall(call: RawToolCall, tools: readonly ToolCard[]): Checked<CheckedCall> {
  const tool = tools.find((t) => t.name === call.name || wireName(t.name) === call.name);
  if (!tool)
    return {
      ok: false,
      error: `${call.name || "(no name)"}: there is no such tool (the tools are ${tools.map((t) => t.name).join(", ") || "none"})`,
    };
  let args: unknown;
  try {
    args = call.args.trim() === "" ? {} : JSON.parse(call.args);
  } catch (error) {
    return { ok: false, error: `${call.name}: the arguments are not valid JSON (${(error as Error).message}): ${call.args.slice(0, 200)}` };
  }
  if (typeof args !== "object" || args === null || Array.isArray(args))
    return { ok: false, error: `${call.name}: the arguments are not a JSON object` };
  const parsed = toolArgsSchema(tool.args).safeParse(args);
  return parsed.success
    ? { ok: true, value: { id: call.id, name: tool.name, args: parsed.data } }
    : { ok: false, error: issuesText(parsed.error, `${call.name}: `) };
}

/** The tool calls of a specialist's answer, if every one is valid; an answer without calls is valid. */
export function checkToolCalls(reply: Reply, tools: readonly ToolCard[]): Checked<CheckedCall[]> {
  // A server whose chunks LangChain could not read (no role, say) loses the calls it announced.
  if (reply.finishReason === "tool_calls" && reply.toolCalls.length === 0)
    return { ok: false, error: "the answer ended to call tools but named none" };
  const checked = reply.toolCalls.map((call) => checkCall(call, tools));
  const errors = checked.flatMap((c) => (c.ok ? [] : [c.error]));
  return errors.length
    ? { ok: false, error: errors.join("; ") }
    : { ok: true, value: checked.map((c) => (c as { value: CheckedCall }).value) };
}
