export {
  DEFAULT_MCP_TIMEOUT_MS,
  expandVariables,
} from "./config.ts";
export { McpServers } from "./servers.ts";
export { compileMcpTool, isMcpTool, type McpTool } from "./mcp-tool.ts";
export { argsFromInputSchema } from "./input-schema.ts";
export { outcomeOf } from "./result.ts";
export { Toolbox } from "./toolbox.ts";
