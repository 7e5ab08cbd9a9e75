import type { ArgSpec } from "../packs/manifest.ts";

type JsonSchema = Record<string, unknown>;

const SCALARS = new Set(["string", "number", "integer", "boolean"]);

/** The one non-null type of a property (`["string", "null"]` is an optional string). */
function typeOf(property: JsonSchema): { type: string | undefined; nullable: boolean } {
  const declared = property.type;
  if (typeof declared === "string") return { type: declared, nullable: false };
  if (Array.isArray(declared)) {
    const types = declared.filter((t) => t !== "null");
    return { type: types.length === 1 ? String(types[0]) : undefined, nullable: types.length < declared.length };
  }
  if (Array.isArray(property.enum) && property.enum.every((v) => typeof v === "string")) return { type: "string", nullable: false };
  return { type: undefined, nullable: false };
}

/**
 * A server's input schema as Guild's argument declarations, so that MCP tools are checked, shown
 * to reviewers, offered to models and filled by the offline model exactly like SQL tools.
 * Guild's tools take strings, numbers and booleans: an optional argument of another shape is left
 * out; a required one makes the tool unusable, and the reason says which.
 * A `pattern` is kept only when anchored (`^...$`): Guild matches arguments in full, JSON Schema
 * anywhere, and the server checks its own patterns in any case.
 */
export function argsFromInputSchema(
  schema: JsonSchema,
  hints: Readonly<Record<string, readonly string[]>> = {},
): { args: Record<string, ArgSpec> } | { error: string } {
  if (schema.type !== undefined && schema.type !== "object")
    return { error: `its input schema is of type ${String(schema.type)}, not an object` };
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set(Array.isArray(schema.required) ? schema.required.map(String) : []);
  const args: Record<string, ArgSpec> = {};
  for (const [name, property] of Object.entries(properties)) {
    if (!/^[a-zA-Z][a-zA-Z0-9_]*$/.test(name)) {
      if (required.has(name)) return { error: `its argument '${name}' is not a name Guild can pass` };
      continue;
    }
    const { type, nullable } = typeOf(property);
    if (!type || !SCALARS.has(type)) {
      if (required.has(name))
        return {
          error: `its argument '${name}' is ${type ? `of type ${type}` : "of no single type"}; Guild's tools take strings, numbers and booleans`,
        };
      continue;
    }
    const spec: ArgSpec = {
      type: type as ArgSpec["type"],
      description:
        typeof property.description === "string" && property.description.trim() ? property.description : `The ${name.replace(/_/g, " ")}.`,
      optional: !required.has(name) || nullable,
      hints: [...(hints[name] ?? [])],
    };
    if (type === "string" && Array.isArray(property.enum) && property.enum.length > 0 && property.enum.every((v) => typeof v === "string"))
      spec.enum = property.enum as string[];
    if (type === "string" && typeof property.pattern === "string" && /^\^.*\$$/.test(property.pattern)) spec.pattern = property.pattern;
    if (type === "string" && typeof property.maxLength === "number") spec.maxLength = property.maxLength;
    if ((type === "number" || type === "integer") && typeof property.minimum === "number") spec.minimum = property.minimum;
    if ((type === "number" || type === "integer") && typeof property.maximum === "number") spec.maximum = property.maximum;
    args[name] = spec;
  }
  return { args };
}

/** The fields a tool's structured result carries (its output schema's properties), for planners and the offline model. */
export function returnsFromOutputSchema(schema: JsonSchema | undefined): string[] {
  const properties = schema?.properties;
  return properties && typeof properties === "object" ? Object.keys(properties) : [];
}
