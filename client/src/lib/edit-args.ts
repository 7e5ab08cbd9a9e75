/**
 * Editing an approval's arguments: each field keeps the type of the value proposed (a number stays
 * a number), every proposed field stays present, and the draft is checked before it is sent.
 */

export type ArgKind = "string" | "number" | "boolean" | "json";

export interface ArgField {
  name: string;
  kind: ArgKind;
  /** Long or multi-line text gets a text area. */
  multiline: boolean;
  /** Whether the proposal had it empty: only then may it stay empty. */
  mayBeEmpty: boolean;
}

/** The draft of one field as the form holds it: text for inputs, a flag for check boxes. */
export type DraftValue = string | boolean;
export type Draft = Record<string, DraftValue>;

function kindOf(value: unknown): ArgKind {
  if (typeof value === "string") return "string";
  if (typeof value === "number") return "number";
  if (typeof value === "boolean") return "boolean";
  return "json";
}

/** The fields of proposed arguments, in their order. */
export function argFields(args: Record<string, unknown>): ArgField[] {
  return Object.entries(args).map(([name, value]) => ({
    name,
    kind: kindOf(value),
    multiline: typeof value === "string" ? value.includes("\n") || value.length > 80 : kindOf(value) === "json",
    mayBeEmpty: value === "" || value === null,
  }));
}

/** The form's starting draft: the proposed values. */
export function draftOf(args: Record<string, unknown>): Draft {
  return Object.fromEntries(
    Object.entries(args).map(([name, value]) => {
      const kind = kindOf(value);
      if (kind === "boolean") return [name, value as boolean];
      if (kind === "json") return [name, JSON.stringify(value, null, 2)];
      return [name, String(value)];
    }),
  );
}

export interface ParsedDraft {
  args?: Record<string, unknown>;
  /** A message per field name that is not valid. */
  errors: Record<string, string>;
}

/** The arguments a draft stands for, or why it cannot be sent. */
export function parseDraft(fields: readonly ArgField[], draft: Draft): ParsedDraft {
  const args: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const field of fields) {
    const raw = draft[field.name];
    if (field.kind === "boolean") {
      args[field.name] = raw === true;
      continue;
    }
    const text = typeof raw === "string" ? raw : "";
    if (text.trim() === "" && !field.mayBeEmpty) {
      errors[field.name] = `${field.name} is required`;
      continue;
    }
    if (field.kind === "number") {
      const value = Number(text.trim());
      if (!Number.isFinite(value)) errors[field.name] = `${field.name} must be a number`;
      else args[field.name] = value;
    } else if (field.kind === "json") {
      try {
        args[field.name] = text.trim() === "" ? null : JSON.parse(text);
      } catch {
        errors[field.name] = `${field.name} must be valid JSON`;
      }
    } else {
      args[field.name] = text;
    }
  }
  return Object.keys(errors).length > 0 ? { errors } : { args, errors };
}

/** The field of the arguments that a server's `details.field` names (`args.amount` -> `amount`). */
export function argOfField(field: string | undefined): string | undefined {
  const match = field ? /^args\.([^.]+)/.exec(field) : null;
  return match ? match[1] : undefined;
}

export interface PlanStepDraft {
  /** Keeps React's rows stable while steps move. */
  key: string;
  specialist: string;
  instruction: string;
}

/** What the server accepts for a plan: 1 to 20 steps, each a known specialist and an instruction. */
const MAX_STEPS = 20;
const MAX_INSTRUCTION = 4000;

/** Checks an edited plan; errors are keyed `steps`, or `steps.<i>.specialist` / `steps.<i>.instruction` as the server names them. */
export function checkPlan(steps: readonly PlanStepDraft[], specialists: ReadonlySet<string>): Record<string, string> {
  const errors: Record<string, string> = {};
  if (steps.length === 0) errors.steps = "A plan needs at least one step.";
  if (steps.length > MAX_STEPS) errors.steps = `A plan has at most ${MAX_STEPS} steps.`;
  steps.forEach((step, i) => {
    if (!specialists.has(step.specialist)) errors[`steps.${i}.specialist`] = `Step ${i + 1}: choose a specialist.`;
    const instruction = step.instruction.trim();
    if (!instruction) errors[`steps.${i}.instruction`] = `Step ${i + 1}: the instruction is required.`;
    else if (instruction.length > MAX_INSTRUCTION)
      errors[`steps.${i}.instruction`] = `Step ${i + 1}: at most ${MAX_INSTRUCTION} characters.`;
  });
  return errors;
}
