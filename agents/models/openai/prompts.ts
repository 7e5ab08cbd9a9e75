import { HumanMessage, SystemMessage, type BaseMessage } from "@langchain/core/messages";
import { z } from "zod";
import { toolArgsSchema } from "../../tools/index.ts";
import type {
  ActRequest,
  PartEvidence,
  PlanRequest,
  ReformulateRequest,
  SpecialistCard,
  StepEvidence,
  SynthesizeRequest,
} from "../types.ts";

const bullets = (lines: readonly string[]): string => lines.map((l) => `- ${l}`).join("\n");

/**
 * The plan a supervisor must answer with: known specialists only, at least one step. The server
 * is sent only its shape (`shapeOnly`): strict structured outputs have refused length and count
 * keywords; Guild checks those itself.
 */
export function planSchema(specialistIds: readonly string[], shapeOnly = false) {
  const step = z.strictObject({
    specialist: z.enum(specialistIds as [string, ...string[]]).describe("the id of the specialist who does the step"),
    instruction: (shapeOnly ? z.string() : z.string().min(1)).describe("what the specialist must do, in one or two sentences"),
  });
  return z.strictObject({ steps: shapeOnly ? z.array(step) : z.array(step).min(1) });
}

/** Structured output by JSON schema, which OpenAI, Ollama, vLLM, llama.cpp and LM Studio all accept. */
export function planResponseFormat(specialistIds: readonly string[]) {
  const { $schema: _, ...schema } = z.toJSONSchema(planSchema(specialistIds, true));
  return { type: "json_schema" as const, json_schema: { name: "plan", strict: true, schema } };
}

/** How well each specialist's own documents and tools cover each part of the task, strongest first. */
function evidenceLines(evidence: readonly PartEvidence[]): string {
  return evidence
    .map((part) => {
      const ranked = [...part.specialists].sort(
        (a, b) => b.knowledge + Math.max(0, ...b.tools.map((t) => t.fit)) - (a.knowledge + Math.max(0, ...a.tools.map((t) => t.fit))),
      );
      const shown = ranked.map(
        (s) =>
          `${s.specialist} (documents ${s.knowledge.toFixed(2)}${s.tools.length ? `; tools ${s.tools.map((t) => t.name).join(", ")}` : ""}${s.sources.length ? `; e.g. ${s.sources[0]}` : ""})`,
      );
      return `- "${part.part}": ${shown.join("; ")}`;
    })
    .join("\n");
}

export function planMessages(request: PlanRequest): BaseMessage[] {
  const roster = request.specialists.map((s) => `- ${s.id}: ${s.description}`).join("\n");
  const evidence = request.evidence?.length
    ? `\nEvidence: how well each specialist's own documents (0 to 1) and tools cover each part of the task:\n${evidenceLines(request.evidence)}`
    : "";
  return [
    new SystemMessage(
      `You are the supervisor of a team of specialists. Split the task into ordered steps, each given to one specialist by id, with a short instruction. Give each part of the task to the specialist whose documents and tools cover it best; a task that needs several specialists gets a step for each. A question is answered, not acted on: plan no payment, email or other action the task does not ask for. Answer with JSON: {"steps": [{"specialist": "<id>", "instruction": "<text>"}]}.\nSpecialists:\n${roster}` +
        (request.lessons.length ? `\nLessons from reviewers and earlier runs:\n${bullets(request.lessons)}` : ""),
    ),
    new HumanMessage(
      request.done
        ? `Task: ${request.task}\nSteps done or handed over: ${JSON.stringify(request.done)}\nSteps still to do: ${JSON.stringify(request.previous ?? [])}\n${request.feedback ?? ""}\nRe-plan the steps still to do, starting with the one the reviewer handed over; answer with those steps only.`
        : request.feedback
          ? `Task: ${request.task}\nYour previous plan: ${JSON.stringify(request.previous ?? [])}\nReviewer feedback: ${request.feedback}\nRevise the plan.`
          : `Task: ${request.task}${evidence}`,
    ),
  ];
}

/**
 * A tool's parameters as the server is sent them: without `pattern`s and `$schema`. llama.cpp and
 * LM Studio compile parameters into a grammar that turns an anchored pattern's inner `^`/`$` into
 * characters the model must write, and refuses escapes such as `\s`; Guild checks the arguments
 * against the full schema itself.
 */
function forServer(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(forServer);
  if (typeof schema !== "object" || schema === null) return schema;
  const kept = Object.entries(schema).filter(([key]) => key !== "pattern" && key !== "$schema");
  // Under `properties` the keys are argument names (an argument may be called "pattern"), not keywords.
  return Object.fromEntries(
    kept.map(([key, value]) => [
      key,
      key === "properties" && value && typeof value === "object"
        ? Object.fromEntries(Object.entries(value).map(([name, v]) => [name, forServer(v)]))
        : forServer(value),
    ]),
  );
}

/**
 * A tool's name as a function name: OpenAI-compatible servers take letters, digits, `_` and `-`
 * only, so an MCP tool's `spc/capability` is sent as `spc__capability` (and read back by checks).
 */
export function wireName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_-]/g, "__");
}

/** The specialist's tools as OpenAI function definitions, with the parameters the pack declares. */
export function toolDefinitions(specialist: SpecialistCard) {
  return specialist.tools.map((t) => ({
    type: "function" as const,
    function: {
      name: wireName(t.name),
      description: t.description,
      parameters: forServer(z.toJSONSchema(toolArgsSchema(t.args))) as Record<string, unknown>,
    },
  }));
}

/** Images tools answered with, as image parts after the text (only kept for models that accept them). */
function withImages(text: string, request: ActRequest): HumanMessage {
  const images = request.history.flatMap((h) => (h.images ?? []).map((image) => ({ ...image, from: `${h.name} (${h.id})` })));
  if (images.length === 0) return new HumanMessage(text);
  return new HumanMessage({
    content: [
      { type: "text", text: `${text}\nImages from tool results, in order: ${images.map((i) => i.from).join(", ")}.` },
      ...images.map((i) => ({ type: "image_url" as const, image_url: { url: `data:${i.mimeType};base64,${i.data}` } })),
    ],
  });
}

/** What the engine measured of the passages, for the specialist: whether they answer, and what they miss. */
function evidenceNote(evidence: StepEvidence | undefined): string {
  if (!evidence) return "";
  const where = evidence.fallback ? "every document of the pack" : "your documents";
  const missing = evidence.missing.length ? `; no passage covers "${evidence.missing.join('", "')}"` : "";
  return `\nEvidence: the passages from ${where} cover ${Math.round(evidence.strength * 100)}% of the instruction${evidence.weak ? " (weak)" : ""}${missing}.`;
}

export function actMessages(request: ActRequest): BaseMessage[] {
  const passages = request.passages.map((p, i) => `[${i + 1}] ${p.source}: ${p.text}`).join("\n\n");
  const history = request.history.map(
    (h) =>
      `- ${wireName(h.name)}(${JSON.stringify(h.args)}) -> ${h.status}${h.result !== undefined ? `: ${JSON.stringify(h.result)}` : ""}${h.message ? ` (${h.message})` : ""}`,
  );
  return [
    new SystemMessage(
      `You are ${request.specialist.name}. ${request.specialist.description}\nUse your tools when the instruction needs them; call each tool at most once unless a reviewer asked for a change. The tools you are offered that change something (a payment, an email) are offered because the task asks for that action; answer a question with look-ups only. When finished, answer in a few sentences: quote the passage or the record field that answers, citing passages as [n], and show the arithmetic of any amount. If the passages and tool results do not answer the instruction, say "The documents and back-end do not answer this" and what you searched; never answer with a passage about something else.` +
        (request.lessons.length ? `\nLessons from reviewers:\n${bullets(request.lessons)}` : ""),
    ),
    withImages(
      `Task: ${request.task}\nYour instruction: ${request.instruction}\nKnown facts: ${JSON.stringify(request.facts)}\nPassages:\n${passages || "(none)"}${evidenceNote(request.evidence)}\nTool calls so far:\n${history.join("\n") || "(none)"}`,
      request,
    ),
  ];
}

export function reformulateMessages(request: ReformulateRequest): BaseMessage[] {
  return [
    new SystemMessage(
      "Rewrite the search query to find the relevant passages in policy and procedure documents. Answer with the query only.",
    ),
    new HumanMessage(`Task: ${request.task}\nQuery: ${request.query}`),
  ];
}

export function synthesizeMessages(request: SynthesizeRequest): BaseMessage[] {
  const reports = request.steps
    .map(
      (s, i) =>
        `${i + 1}. ${s.specialistName} (${s.instruction}): ${s.summary}\nActions: ${s.actions.map((a) => `${a.name} ${a.status}`).join(", ") || "none"}`,
    )
    .join("\n");
  return [
    new SystemMessage(
      `Write the final answer to the task from the specialists' reports. Say plainly what was done and what was not done. Answer each part with the facts the reports give (amounts, clauses, record fields), citing each source once. If the reports do not answer the task, begin with "The documents and back-end do not answer this" and say what was searched; never answer with something unrelated.`,
    ),
    new HumanMessage(
      `Task: ${request.task}\nReports:\n${reports}${request.notDone?.length ? `\nNot done:\n${request.notDone.join("\n")}` : ""}` +
        (request.feedback?.length
          ? `\nA reviewer sent back your earlier draft; revise it for this feedback:\n${bullets(request.feedback)}`
          : ""),
    ),
  ];
}
