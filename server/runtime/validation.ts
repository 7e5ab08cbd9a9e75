import type { z } from "zod";
import { GuildError } from "../../agents/errors/index.ts";

/** The field an issue is about; for an unknown key, the key itself. */
function fieldOf(issue: z.core.$ZodIssue): string {
  const path = issue.code === "unrecognized_keys" ? [...issue.path, issue.keys[0]!] : issue.path;
  return path.join(".") || "(body)";
}

/** A zod failure as Guild's invalid_input error, naming the first field at fault. */
export function zodFailure(what: string, error: z.ZodError): GuildError {
  const issue = error.issues[0]!;
  const field = fieldOf(issue);
  return new GuildError("invalid_input", `${what}: ${field}: ${issue.message}`, {
    details: { field, issues: error.issues.map((i) => ({ field: fieldOf(i), message: i.message })) },
  });
}

/**
 * The value as the schema reads it, or an `invalid_input` error naming the field; every edge
 * (REST, socket, CLI through the runtime) validates this way.
 * @example const { runId } = parseInput(SubscribeRunSchema, payload, "invalid run:subscribe");
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw zodFailure(what, parsed.error);
  return parsed.data;
}
