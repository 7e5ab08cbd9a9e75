import { z } from "zod";
import { isModelProfile } from "../models/profile.ts";

/** The shape of one tool argument, declared as data in a pack manifest. */
export const ArgSpecSchema = z.strictObject({
  type: z.enum(["string", "number", "integer", "boolean"]),
  description: z.string().min(1),
  /** A regular expression a string argument must match in full. */
  pattern: z.string().optional(),
  enum: z.array(z.string()).min(1).optional(),
  minimum: z.number().optional(),
  maximum: z.number().optional(),
  maxLength: z.number().int().positive().optional(),
  optional: z.boolean().default(false),
  /**
   * Names of facts (fields of earlier tool results, or identifiers in the task) that can fill this
   * argument. A real model ignores them; the offline model uses them to fill arguments.
   */
  hints: z.array(z.string()).default([]),
});
export type ArgSpec = z.infer<typeof ArgSpecSchema>;

/** Marks a gated call as high risk when a numeric argument passes a threshold. */
export const RiskRuleSchema = z.strictObject({
  field: z.string().min(1),
  above: z.number(),
  /** Why it is high risk, for the reviewer; should name the document that sets the limit. */
  reason: z.string().min(1),
});
export type RiskRule = z.infer<typeof RiskRuleSchema>;

/** A model profile, `provider:name`; the environment can override it per role (GUILD_MODEL_SUPERVISOR, GUILD_MODEL_SPECIALIST_<ID>). */
export const ModelProfileSchema = z.string().refine(isModelProfile, "a model profile is 'offline' or 'openai:<model>'");

export const ToolSpecSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9_]*$/, "a tool name is snake_case"),
  description: z.string().min(10),
  /** `query` reads the back-end; `effect` changes it and runs at most once per idempotency key. */
  kind: z.enum(["query", "effect"]),
  args: z.record(z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]*$/), ArgSpecSchema),
  /** One SQL statement with named parameters (`:arg`) for each argument. */
  sql: z.string().min(1),
  /** `row`: the first row or null; `rows`: every row. */
  result: z.enum(["row", "rows"]).default("row"),
  /** The fields the result carries, so planners can tell what the tool provides. */
  returns: z.array(z.string()).default([]),
  /** Whether a call needs a reviewer's approval. Defaults to `always` for effects. */
  approval: z.enum(["always", "never"]).optional(),
  risk: RiskRuleSchema.optional(),
});
export type ToolSpec = z.infer<typeof ToolSpecSchema>;

export const SpecialistSpecSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9_]*$/, "a specialist id is snake_case"),
  name: z.string().min(1),
  description: z.string().min(10),
  /** Files under the pack's `knowledge/` folder (a trailing `*` matches a prefix). */
  documents: z.array(z.string().min(1)).min(1),
  tools: z.array(z.string()).default([]),
  /** The specialist's model profile; the configured default when absent. */
  model: ModelProfileSchema.optional(),
});
export type SpecialistSpec = z.infer<typeof SpecialistSpecSchema>;

export const PackManifestSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9-]*$/, "a pack id is kebab-case"),
  name: z.string().min(1),
  description: z.string().min(1),
  /** Ask a reviewer to approve the plan before any step runs, unless the run says otherwise. */
  planApproval: z.boolean().default(false),
  /** A document under `knowledge/` whose `## Term` entries list synonyms on an `Also:` line. */
  glossary: z.string().optional(),
  backend: z.strictObject({
    /** SQL run once to create and seed the pack's back-end database. */
    seed: z.string().min(1),
  }),
  supervisor: z.strictObject({ model: ModelProfileSchema.optional() }).default({}),
  specialists: z.array(SpecialistSpecSchema).min(1),
  tools: z.array(ToolSpecSchema).default([]),
});
export type PackManifest = z.infer<typeof PackManifestSchema>;
