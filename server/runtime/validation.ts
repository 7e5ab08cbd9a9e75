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

/** Keys that reach an object's prototype when copied or merged: refused wherever they appear. */
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

/** The path of the first forbidden key in a JSON value, walked without recursion; undefined when none. */
export function forbiddenKeyPath(value: unknown): string | undefined {
  const stack: [unknown, string][] = [[value, ""]];
  while (stack.length > 0) {
    const [v, path] = stack.pop()!;
    if (typeof v !== "object" || v === null) continue;
    for (const key of Object.keys(v)) {
      const at = path ? `${path}.${key}` : key;
      if (FORBIDDEN_KEYS.has(key)) return at;
      stack.push([(v as Record<string, unknown>)[key], at]);
    }
  }
  return undefined;
}

/**
 * The value as the schema reads it, or an `invalid_input` error naming the field; every edge
 * (REST, socket, CLI through the runtime) validates this way.
 * @example const { runId } = parseInput(SubscribeRunSchema, payload, "invalid run:subscribe");
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  // Refused rather than dropped: a client sending them is probing, and should hear so.
  const forbidden = forbiddenKeyPath(value);
  if (forbidden !== undefined) {
    throw new GuildError("invalid_input", `${what}: ${forbidden}: keys named __proto__, constructor or prototype are not accepted`, {
      details: { field: forbidden },
    });
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw zodFailure(what, parsed.error);
  return parsed.data;
}
