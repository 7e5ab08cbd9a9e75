import type { z } from "zod";
import type { DialectSql, SqlDialect } from "../backend/index.ts";
import type { GlossaryEntry, KnowledgeBase } from "../knowledge/index.ts";
import type { ArgSpec, Condition, PackPolicy, RiskRule, ToolSpec } from "./manifest.ts";

/** When a tool's calls need a reviewer: when any condition holds, else `otherwise`. */
export interface ToolApproval {
  readonly when: readonly Condition[];
  readonly otherwise: "always" | "never";
}

/** A tool of a pack: its declaration, its argument schema and whether it changes the back-end. */
export interface PackTool {
  readonly name: string;
  readonly description: string;
  readonly kind: "query" | "effect";
  readonly args: Readonly<Record<string, ArgSpec>>;
  readonly returns: readonly string[];
  /** Whether a call can need a reviewer: always, or when a condition holds. */
  readonly requiresApproval: boolean;
  readonly approval: ToolApproval;
  readonly risk: RiskRule | undefined;
  /** Its SQL per engine: both have the same text when the manifest gave one string. */
  readonly sql: DialectSql;
  readonly schema: z.ZodObject;
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
}
