import { z } from "zod";
import { MCP_SERVER_NAME, MCP_TOOL_NAME, McpServerSchema } from "../mcp/config.ts";
import { isModelProfile } from "../models/profile.ts";
import { DurationSchema } from "../text/duration.ts";

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
  /** A reviewer's edit that changes it (a payee, a recipient) is asked again, like an edit that raises the risk. */
  sensitive: z.boolean().optional(),
  /** What a reviewer reads instead of the argument's name ("Amount"), and how its value reads (`money`: £3,600.00). */
  label: z.string().min(1).max(60).optional(),
  format: z.enum(["text", "money", "email", "date"]).optional(),
});
export type ArgSpec = z.infer<typeof ArgSpecSchema>;

/** A role a policy may require of whoever decides: lower-case, like the auth file's. */
const ROLE_NAME = /^[a-z][a-z0-9_]{0,62}$/;
const ROLE_MESSAGE = "a role is a lower-case name like 'claims_manager'";

/** Marks a gated call as high risk when a numeric argument passes a threshold. */
export const RiskRuleSchema = z.strictObject({
  field: z.string().min(1),
  above: z.number(),
  /** Why it is high risk, for the reviewer; should name the document that sets the limit. */
  reason: z.string().min(1),
  /** Past the limit, only a principal with this role may approve or edit the call (`claims_manager`). */
  requiresRole: z.string().regex(ROLE_NAME, ROLE_MESSAGE).optional(),
});
export type RiskRule = z.infer<typeof RiskRuleSchema>;

/**
 * One condition of an approval policy, on an argument of the call or on a field the back-end
 * answers (`lookup` runs a query tool of the pack with the call's arguments of the same names).
 */
export const ConditionSchema = z
  .strictObject({
    arg: z.string().min(1).optional(),
    lookup: z.strictObject({ tool: z.string().min(1), field: z.string().min(1) }).optional(),
    op: z.enum([">", ">=", "<", "<=", "==", "!="]),
    value: z.union([z.number(), z.string(), z.boolean()]),
    /** Why the call needs a reviewer when the condition holds; the approval shows it. */
    reason: z.string().min(1),
    /** Marks the approval high risk when the condition holds. */
    highRisk: z.boolean().default(false),
    /** When the condition holds, only a principal with this role may approve or edit the call. */
    requiresRole: z.string().regex(ROLE_NAME, ROLE_MESSAGE).optional(),
    /** When the condition holds, four eyes: see the tool's `fourEyes`. */
    fourEyes: z.boolean().optional(),
  })
  .refine((c) => (c.arg === undefined) !== (c.lookup === undefined), "a condition names either `arg` or `lookup`, not both");
export type Condition = z.infer<typeof ConditionSchema>;

/**
 * When a tool's calls need a reviewer: `always`, `never`, or when any condition holds (and
 * `otherwise` when none does: `never` by default).
 */
export const ToolApprovalSchema = z.union([
  z.enum(["always", "never"]),
  z.strictObject({ when: z.array(ConditionSchema).min(1), otherwise: z.enum(["always", "never"]).default("never") }),
]);

/** What happens to an approval nobody answers in time: rejected, or escalated once and then rejected. */
export const ExpirySchema = z.strictObject({
  after: DurationSchema,
  fallback: z.enum(["reject", "escalate"]),
  /** Who an escalation goes to, for the reviewer who picks it up (e.g. "Senior claims manager"). */
  escalateTo: z.string().min(1).max(200).optional(),
});

/** The pack's policy beyond each tool's: the final answer, and expiry per approval kind. */
export const PackPolicySchema = z.strictObject({
  /** Ask a reviewer to approve the final answer before the run completes. */
  answerApproval: z.boolean().default(false),
  expiry: z
    .strictObject({ plan: ExpirySchema.optional(), tool_call: ExpirySchema.optional(), answer: ExpirySchema.optional() })
    .default({}),
});
export type PackPolicy = z.infer<typeof PackPolicySchema>;

/** A model profile, `provider:name`; the environment can override it per role (GUILD_MODEL_SUPERVISOR, GUILD_MODEL_SPECIALIST_<ID>). */
export const ModelProfileSchema = z.string().refine(isModelProfile, "a model profile is 'offline' or 'openai:<model>'");

/** A tool's SQL: one string for every engine, or one per engine (at least one). */
export const DialectSqlSchema = z.union(
  [
    z.string().min(1),
    z
      .strictObject({ sqlite: z.string().min(1).optional(), postgres: z.string().min(1).optional() })
      .refine((sql) => sql.sqlite !== undefined || sql.postgres !== undefined, "give the SQL for sqlite, postgres or both"),
  ],
  { error: 'SQL is a string, or {"sqlite": "...", "postgres": "..."}' },
);

/** Seed files, run in order: one path or a list of paths, inside the pack folder. */
const SeedFilesSchema = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)], { error: "a seed is a file or a list of files" });

/** The back-end's seed: the same files for every engine, or files per engine (at least one). */
export const SeedSchema = z.union(
  [
    SeedFilesSchema,
    z
      .strictObject({ sqlite: SeedFilesSchema.optional(), postgres: SeedFilesSchema.optional() })
      .refine((seed) => seed.sqlite !== undefined || seed.postgres !== undefined, "give the seed for sqlite, postgres or both"),
  ],
  { error: 'a seed is a file, a list of files, or {"sqlite": files, "postgres": files}' },
);
export type SeedSpec = z.infer<typeof SeedSchema>;

/**
 * A fact the reviewer of a gated call sees on its card (the claim's status, what was paid so far):
 * a field a query tool of the pack answers for the call's arguments of the same names.
 */
export const ContextFieldSchema = z.strictObject({
  lookup: z.strictObject({ tool: z.string().min(1), field: z.string().min(1) }),
  label: z.string().min(1).max(60),
  /** How the value reads: as it is, as money, as yes or no (from true/false or 1/0). */
  format: z.enum(["text", "money", "yes_no"]).default("text"),
});

/**
 * A business rule an effect must keep, checked when a call is proposed and again inside the
 * effect's transaction: SQL over the call's arguments (`:arg`) that returns one row with a
 * non-null text column `violation` for each way the call breaks the rule, and no row when it keeps
 * it. `refuse` (the default): the call is not made, and the run says why; `ask`: a reviewer
 * decides, shown the violation (inside the transaction it is then checked only if it held when
 * the reviewer was asked).
 */
export const PreconditionSchema = z.strictObject({
  sql: DialectSqlSchema,
  onViolation: z.enum(["refuse", "ask"]).default("refuse"),
});

export const ToolSpecSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9_]*$/, "a tool name is snake_case"),
  description: z.string().min(10),
  /** `query` reads the back-end; `effect` changes it and runs at most once per idempotency key. */
  kind: z.enum(["query", "effect"]),
  args: z.record(z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]*$/), ArgSpecSchema),
  /**
   * One SQL statement with named parameters (`:arg`) for each argument: one string for both
   * engines, or `{"sqlite": "...", "postgres": "..."}` where they differ.
   */
  sql: DialectSqlSchema,
  /** `row`: the first row or null; `rows`: every row. */
  result: z.enum(["row", "rows"]).default("row"),
  /** The fields the result carries, so planners can tell what the tool provides. */
  returns: z.array(z.string()).default([]),
  /** Whether a call needs a reviewer's approval. Defaults to `always` for effects, `never` for queries. */
  approval: ToolApprovalSchema.optional(),
  risk: RiskRuleSchema.optional(),
  /**
   * The approval card's title in the business's words, its arguments in braces, each as its
   * `format` reads: "Pay {amount} to {payee} on claim {claimId}".
   */
  title: z.string().min(1).max(200).optional(),
  /** What a reviewer is shown beside the call's arguments when it is gated, looked up when it is proposed. */
  context: z.array(ContextFieldSchema).max(12).optional(),
  /** An effect's business rules (see `PreconditionSchema`), in the order they are checked. */
  preconditions: z.array(PreconditionSchema).max(12).optional(),
  /**
   * Four eyes: whoever edited a call may not approve the edit when it is asked again, and whoever
   * started the run may not approve the call when it is high risk.
   */
  fourEyes: z.boolean().optional(),
});
export type ToolSpec = z.infer<typeof ToolSpecSchema>;

/**
 * The policy of one MCP tool, by `<server>/<tool>`; its description and input schema come from
 * the server. Without `approval`, a tool the server annotates `readOnlyHint: true` is a query and
 * runs freely, and any other is an effect that needs a reviewer.
 */
export const McpToolSpecSchema = z.strictObject({
  /** Overrides what the server's `readOnlyHint` says. */
  kind: z.enum(["query", "effect"]).optional(),
  approval: ToolApprovalSchema.optional(),
  risk: RiskRuleSchema.optional(),
  /** Fact names that can fill each argument, as `hints` on a SQL tool's argument (for the offline model). */
  hints: z.record(z.string(), z.array(z.string())).default({}),
  /** The tool answers with images: it is offered only to models that accept images (`GUILD_MODEL_VISION`). */
  vision: z.boolean().default(false),
});
export type McpToolSpec = z.infer<typeof McpToolSpecSchema>;

export const SpecialistSpecSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9_]*$/, "a specialist id is snake_case"),
  name: z.string().min(1),
  description: z.string().min(10),
  /** Files under the pack's `knowledge/` folder (a trailing `*` matches a prefix). */
  documents: z.array(z.string().min(1)).min(1),
  /** Names of the pack's SQL tools, and MCP tools as `<server>/<tool>`. */
  tools: z.array(z.string()).default([]),
  /** The specialist's model profile; the configured default when absent. */
  model: ModelProfileSchema.optional(),
  /** `always`: every call this specialist proposes needs a reviewer, queries too; `tools`: each tool's own policy. */
  approval: z.enum(["always", "tools"]).default("tools"),
});

export const PackManifestSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9-]*$/, "a pack id is kebab-case"),
  name: z.string().min(1),
  description: z.string().min(1),
  /** Ask a reviewer to approve the plan before any step runs, unless the run says otherwise. */
  planApproval: z.boolean().default(false),
  /** A document under `knowledge/` whose `## Term` entries list synonyms on an `Also:` line. */
  glossary: z.string().optional(),
  backend: z.strictObject({
    /**
     * SQL files run once, in order, to create and seed the pack's back-end: one file or a list
     * for both engines, or `{"sqlite": ..., "postgres": ...}` where they differ.
     */
    seed: SeedSchema,
  }),
  supervisor: z.strictObject({ model: ModelProfileSchema.optional() }).default({}),
  specialists: z.array(SpecialistSpecSchema).min(1),
  tools: z.array(ToolSpecSchema).default([]),
  /** MCP servers whose tools the specialists use: stdio (`command`, `args`, `env`) or Streamable HTTP (`url`, `headers`). */
  mcpServers: z
    .record(z.string().regex(MCP_SERVER_NAME, "an MCP server name is lower-case letters, digits, - and _"), McpServerSchema)
    .default({}),
  /** Policy of MCP tools by `<server>/<tool>`, as a SQL tool's `approval` and `risk`. */
  mcpTools: z.record(z.string().regex(MCP_TOOL_NAME, "an MCP tool is named <server>/<tool>"), McpToolSpecSchema).default({}),
  policy: PackPolicySchema.default({ answerApproval: false, expiry: {} }),
});
export type PackManifest = z.infer<typeof PackManifestSchema>;
