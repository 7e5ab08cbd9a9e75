import type { z } from "zod";
import type { DialectSql, SqlDialect } from "../backend/index.ts";
import type { GlossaryEntry, KnowledgeBase } from "../knowledge/index.ts";
import type { McpServerConfig } from "../mcp/config.ts";
import type { ArgSpec, Condition, McpToolSpec, PackPolicy, RiskRule, ToolSpec } from "./manifest.ts";

/** When a tool's calls need a reviewer: when any condition holds, else `otherwise`. */
export interface ToolApproval {
  readonly when: readonly Condition[];
  readonly otherwise: "always" | "never";
}

/** What every tool has, whatever runs it (SQL or an MCP server): what policy, models and reviewers see. */
export interface ToolDefinition {
  readonly name: string;
  readonly description: string;
  readonly kind: "query" | "effect";
  readonly args: Readonly<Record<string, ArgSpec>>;
  readonly returns: readonly string[];
  /** Whether a call can need a reviewer: always, or when a condition holds. */
  readonly requiresApproval: boolean;
  readonly approval: ToolApproval;
  readonly risk: RiskRule | undefined;
  /** Four eyes on its calls (see the manifest's `fourEyes`); absent: off. */
  readonly fourEyes?: boolean;
  /** An effect's business rules, with their SQL per engine (see the manifest's `preconditions`). */
  readonly preconditions?: readonly { readonly sql: DialectSql; readonly onViolation: "refuse" | "ask" }[];
  readonly schema: z.ZodObject;
}

/** A tool of a pack over its SQL back-end: its declaration, its argument schema and whether it changes the back-end. */
export interface PackTool extends ToolDefinition {
  /** Its SQL per engine: both have the same text when the manifest gave one string. */
  readonly sql: DialectSql;
  readonly spec: ToolSpec;
}

/** A specialist: a small model, its own knowledge and its own tools over the pack's back-end. */
export interface Specialist {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  /** `provider:name`, or undefined for the configured default. */
  readonly model: string | undefined;
  readonly documents: readonly string[];
  readonly knowledge: KnowledgeBase;
  readonly tools: readonly PackTool[];
  /** MCP tools it uses, as `<server>/<tool>`: their schemas come from the servers when first needed. */
  readonly mcpTools: readonly string[];
  /** `always`: every call it proposes needs a reviewer; `tools`: each tool's own policy. */
  readonly approval: "always" | "tools";
}

/** A domain pack, loaded and validated: specialists, tools, knowledge, policy and back-end seed. */
export interface Pack {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly dir: string;
  readonly planApproval: boolean;
  /** The final answer's approval and the expiry of approvals by kind. */
  readonly policy: PackPolicy;
  readonly supervisorModel: string | undefined;
  readonly glossary: readonly GlossaryEntry[];
  readonly specialists: readonly Specialist[];
  readonly tools: ReadonlyMap<string, PackTool>;
  /** The back-end's seed per engine: the contents of its files, in order. */
  readonly seed: Readonly<Partial<Record<SqlDialect, readonly string[]>>>;
  /** MCP servers the pack declares, by name, and the policy of their tools by `<server>/<tool>`. */
  readonly mcpServers: Readonly<Record<string, McpServerConfig>>;
  readonly mcpTools: Readonly<Record<string, McpToolSpec>>;
}
