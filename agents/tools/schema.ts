import { z } from "zod";
import type { ArgSpec } from "../packs/manifest.ts";

function argSchema(spec: ArgSpec): z.ZodType {
  let schema: z.ZodType;
  switch (spec.type) {
    case "string": {
      let s = spec.enum ? z.enum(spec.enum as [string, ...string[]]) : z.string().min(1);
      if (!spec.enum && spec.pattern) s = (s as z.ZodString).regex(new RegExp(`^(?:${spec.pattern})$`), `must match ${spec.pattern}`);
      if (!spec.enum && spec.maxLength !== undefined) s = (s as z.ZodString).max(spec.maxLength);
      schema = s;
      break;
    }
    case "number":
    case "integer": {
      // zod 4 numbers already refuse NaN and Infinity.
      let n = spec.type === "integer" ? z.number().int() : z.number();
      if (spec.minimum !== undefined) n = n.min(spec.minimum);
      if (spec.maximum !== undefined) n = n.max(spec.maximum);
      schema = n;
      break;
    }
    case "boolean":
      schema = z.boolean();
      break;
  }
  return (spec.optional ? schema.optional() : schema).describe(spec.description);
}

/** The zod schema a tool's arguments must satisfy, built from its manifest declaration. */
export function toolArgsSchema(args: Readonly<Record<string, ArgSpec>>): z.ZodObject {
  const shape: Record<string, z.ZodType> = {};
  for (const [name, arg] of Object.entries(args)) shape[name] = argSchema(arg);
  return z.strictObject(shape);
}
