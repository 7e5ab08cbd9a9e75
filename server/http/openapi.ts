import { z } from "zod";
import { ErrorSchema } from "../contract/index.ts";
import type { Route } from "./route.ts";

type JsonSchema = Record<string, unknown>;

const jsonSchema = (schema: z.ZodType, io: "input" | "output"): JsonSchema => {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as JsonSchema;
  return rest;
};

/** Path and query parameters of an object schema, one OpenAPI parameter per property. */
function parameters(schema: unknown, where: "path" | "query"): JsonSchema[] {
  if (!schema) return [];
  const object = jsonSchema(schema as z.ZodType, "input") as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === "path" || (object.required ?? []).includes(name),
    schema: property,
  }));
}

/** The OpenAPI 3.1 document of the REST API, generated from the routes' own zod schemas. */
export function openApiDocument(routes: readonly Route[], info: { title: string; version: string }): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  const errorSchema = jsonSchema(ErrorSchema, "output");
  for (const r of routes) {
    const path = r.path.replace(/:(\w+)/g, "{$1}");
    const responses = Object.fromEntries(
      Object.entries(r.responses).map(([status, response]) => [
        status,
        {
          description: response.description,
          ...(response.schema ? { content: { "application/json": { schema: jsonSchema(response.schema, "output") } } } : {}),
        },
      ]),
    );
    (paths[path] ??= {})[r.method] = {
      summary: r.summary,
      parameters: [
        ...parameters(r.params, "path"),
        ...parameters(r.query, "query"),
        ...(r.headers ?? []).map((h) => ({
          name: h.name,
          in: "header",
          required: false,
          description: h.description,
          schema: jsonSchema(h.schema, "input"),
        })),
      ],
      ...(r.body
        ? { requestBody: { required: true, content: { "application/json": { schema: jsonSchema(r.body as z.ZodType, "input") } } } }
        : {}),
      responses: {
        ...responses,
        401: {
          description: "a valid API key is required (when GUILD_API_KEYS is set)",
          content: { "application/json": { schema: errorSchema } },
        },
      },
    };
  }
  return {
    openapi: "3.1.0",
    info,
    components: { securitySchemes: { apiKey: { type: "http", scheme: "bearer", description: "one of GUILD_API_KEYS, when set" } } },
    security: [{}, { apiKey: [] }],
    paths,
  };
}
