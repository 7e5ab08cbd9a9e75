import { z } from "zod";
import type { ArgSpec } from "../packs/manifest.ts";

/** "e.g. CLM-1001" in an argument's description gives the example a pattern's message shows. */
const exampleIn = (description: string): string | undefined => /\be\.g\.,?\s+([^\s,;)]+?)\.?(?:[\s,;)]|$)/.exec(description)?.[1];

/** What a value of the argument must be, said plainly: the messages reviewers read in the client and the CLI. */
const mustBe = (type: ArgSpec["type"]): string =>
  type === "integer" ? "a whole number" : type === "number" ? "a number" : type === "boolean" ? "yes or no (true or false)" : "text";

function argSchema(spec: ArgSpec): z.ZodType {
  const wrongType = { error: (issue: { input?: unknown }) => (issue.input === undefined ? "is required" : `must be ${mustBe(spec.type)}`) };
  let schema: z.ZodType;
  switch (spec.type) {
    case "string": {
      let s = spec.enum
        ? z.enum(spec.enum as [string, ...string[]], { error: `must be one of ${spec.enum.join(", ")}` })
        : z.string(wrongType).min(1, "must not be empty");
      if (!spec.enum && spec.pattern) {
        const example = exampleIn(spec.description);
        s = (s as z.ZodString).regex(
          new RegExp(`^(?:${spec.pattern})$`),
          example ? `must look like ${example}` : `must match ${spec.pattern}`,
        );
      }
      if (!spec.enum && spec.maxLength !== undefined)
        s = (s as z.ZodString).max(spec.maxLength, `must be at most ${spec.maxLength} characters`);
      schema = s;
      break;
    }
    case "number":
    case "integer": {
      // zod 4 numbers already refuse NaN and Infinity.
      let n = spec.type === "integer" ? z.number(wrongType).int("must be a whole number") : z.number(wrongType);
      if (spec.minimum !== undefined) n = n.min(spec.minimum, `must be at least ${spec.minimum}`);
      if (spec.maximum !== undefined) n = n.max(spec.maximum, `must be at most ${spec.maximum}`);
      schema = n;
      break;
    }
    case "boolean":
      schema = z.boolean(wrongType);
      break;
  }
  return (spec.optional ? schema.optional() : schema).describe(spec.description);
}

/** The zod schema a tool's arguments must satisfy, built from its manifest declaration. */
export function toolArgsSchema(args: Readonly<Record<string, ArgSpec>>): z.ZodObject {
  const shape: Record<string, z.ZodType> = {};
  for (const [name, arg] of Object.entries(args)) shape[name] = argSchema(arg);
  return z.strictObject(shape, {
    error: (issue) => (issue.code === "unrecognized_keys" ? `has no argument ${issue.keys.join(", ")}` : undefined),
  });
}
