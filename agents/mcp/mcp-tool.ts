import type { McpToolSpec, ToolApproval, ToolDefinition } from "../packs/index.ts";
import { toolArgsSchema } from "../tools/index.ts";
import { argsFromInputSchema, returnsFromOutputSchema } from "./input-schema.ts";
import type { McpToolInfo } from "./types.ts";

/** A tool of an MCP server, as Guild runs it: the server's schema, the pack's policy. */
export interface McpTool extends ToolDefinition {
  /** The server's name in the pack. */
  readonly server: string;
  /** The tool's own name on its server (`name` is `<server>/<remoteName>`). */
  readonly remoteName: string;
  /** It answers with images: offered only to models that accept them. */
  readonly vision: boolean;
}

/** Whether a tool is run by an MCP server rather than by SQL over the pack's back-end. */
export function isMcpTool(tool: ToolDefinition): tool is McpTool {
  return "server" in tool && "remoteName" in tool;
}

/**
 * Makes an MCP tool a Guild tool: arguments from the server's input schema, kind from the pack's
 * policy or else the server's `readOnlyHint` (a tool not marked read-only is an effect), approval
 * from the policy or else the default of its kind. Returns why not when the tool cannot be used.
 */
export function compileMcpTool(server: string, info: McpToolInfo, policy: McpToolSpec | undefined): McpTool | { error: string } {
  const name = `${server}/${info.name}`;
  const converted = argsFromInputSchema(info.inputSchema, policy?.hints ?? {});
  if ("error" in converted) return { error: `${name}: ${converted.error}` };
  const { args } = converted;
  const kind = policy?.kind ?? (info.annotations?.readOnlyHint === true ? "query" : "effect");
  const declared = policy?.approval ?? (kind === "effect" ? "always" : "never");
  const approval: ToolApproval = typeof declared === "string" ? { when: [], otherwise: declared } : declared;
  const unknown = approval.when.find((c) => c.arg !== undefined && !(c.arg in args));
  if (unknown) return { error: `${name}: its policy's condition names '${unknown.arg}', which is not an argument of the tool` };
  const riskArg = policy?.risk && args[policy.risk.field];
  if (policy?.risk && riskArg?.type !== "number" && riskArg?.type !== "integer")
    return { error: `${name}: its risk rule names '${policy.risk.field}', which is not a numeric argument` };
  return {
    name,
    server,
    remoteName: info.name,
    description: info.description,
    kind,
    args,
    returns: returnsFromOutputSchema(info.outputSchema),
    requiresApproval: approval.otherwise === "always" || approval.when.length > 0,
    approval,
    risk: policy?.risk,
    schema: toolArgsSchema(args),
    vision: policy?.vision ?? false,
  };
}
