import { z } from "zod";
import { GuildError } from "../errors/index.ts";

/** How long one call (or a start-up) may take when neither the pack nor the configuration says. */
export const DEFAULT_MCP_TIMEOUT_MS = 30_000;

const TimeoutSchema = z.number().int().min(100).max(600_000);

/**
 * A server Guild starts itself and talks to over stdin/stdout. `command` and `args` are taken
 * relative to the pack folder, which is the server's working directory.
 */
export const McpStdioServerSchema = z.strictObject({
  command: z.string().min(1),
  args: z.array(z.string()).default([]),
  /** Variables for the server, besides a minimal PATH/HOME; `${VAR}` takes VAR from Guild's environment. */
  env: z.record(z.string(), z.string()).default({}),
  /** How long a call may take before it is a tool error; the configured default when absent. */
  timeoutMs: TimeoutSchema.optional(),
});

/** A server that runs elsewhere, spoken to over Streamable HTTP. `${VAR}` in the URL and headers comes from Guild's environment. */
export const McpHttpServerSchema = z.strictObject({
  url: z.string().min(1),
  headers: z.record(z.string(), z.string()).default({}),
  timeoutMs: TimeoutSchema.optional(),
});

export const McpServerSchema = z.union([McpStdioServerSchema, McpHttpServerSchema]);
export type McpStdioServerConfig = z.infer<typeof McpStdioServerSchema>;
export type McpServerConfig = z.infer<typeof McpServerSchema>;

/** A server's name in a manifest, and the first part of its tools' names (`spc/capability`). */
export const MCP_SERVER_NAME = /^[a-z][a-z0-9_-]*$/;

/** The name a specialist lists an MCP tool by: `<server>/<tool>`. */
export const MCP_TOOL_NAME = /^([a-z][a-z0-9_-]*)\/([A-Za-z0-9_.-]+)$/;

export function isStdio(config: McpServerConfig): config is McpStdioServerConfig {
  return "command" in config;
}

/** Splits `spc/capability` into its server and the server's own tool name. */
export function splitMcpToolName(name: string): { server: string; tool: string } | undefined {
  const match = MCP_TOOL_NAME.exec(name);
  return match ? { server: match[1]!, tool: match[2]! } : undefined;
}

/**
 * Replaces each `${VAR}` with the variable's value. A variable that is not set is an error naming
 * it, so a missing token says so instead of sending `Bearer ` to a server.
 * @example expandVariables("Bearer ${ERP_TOKEN}", { ERP_TOKEN: "t0k" }, "erp") // "Bearer t0k"
 */
export function expandVariables(text: string, env: Readonly<Record<string, string | undefined>>, server: string): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_whole, name: string) => {
    const value = env[name];
    if (value === undefined) {
      throw new GuildError("invalid_config", `MCP server '${server}' needs the variable ${name}, which is not set`, {
        details: { variable: name, server },
      });
    }
    return value;
  });
}
