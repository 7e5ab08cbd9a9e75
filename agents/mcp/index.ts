export {
  McpServerSchema,
  McpStdioServerSchema,
  McpHttpServerSchema,
  DEFAULT_MCP_TIMEOUT_MS,
  expandVariables,
  splitMcpToolName,
  type McpServerConfig,
} from "./config.ts";
export { McpConnection, type McpConnectionOptions } from "./connection.ts";
export { McpServers, type McpServersOptions } from "./servers.ts";
export { compileMcpTool, isMcpTool, type McpTool } from "./mcp-tool.ts";
export { argsFromInputSchema } from "./input-schema.ts";
export { outcomeOf } from "./result.ts";
export { Toolbox, MCP_META, type AnyTool, type ToolOutcome, type CallContext } from "./toolbox.ts";
export type { McpServerState, McpServerStatus, McpToolInfo, ToolImage, McpCallOutcome } from "./types.ts";
