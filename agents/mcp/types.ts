/** A tool as an MCP server lists it: its name on the server, its JSON Schemas and its annotations. */
export interface McpToolInfo {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
  outputSchema?: Record<string, unknown>;
  /** MCP's behaviour hints; only `readOnlyHint` decides anything in Guild (query or effect). */
  annotations?: { readOnlyHint?: boolean; destructiveHint?: boolean; idempotentHint?: boolean; openWorldHint?: boolean; title?: string };
}

/**
 * Where a server stands: `idle` until first needed, `starting`, `ready`, `crashed` (it exited or
 * dropped the connection: it is started again when next needed), `failed` (it could not be
 * started or listed; tried again when next needed), `closed` when Guild shuts down.
 */
export type McpServerState = "idle" | "starting" | "ready" | "crashed" | "failed" | "closed";

export interface McpServerStatus {
  name: string;
  transport: "stdio" | "http";
  state: McpServerState;
  /** The server's tools, once listed. */
  tools?: string[];
  /** How often it was started again (after a crash, a failure or a lost connection). */
  restarts: number;
  /** Why it last crashed or failed. */
  lastError?: string;
}

/** An image a tool answered with (MCP image content), for a model that can look at it. */
export interface ToolImage {
  mimeType: string;
  /** Base64, as MCP carries it. */
  data: string;
}

/** What an MCP call gave back, as Guild keeps it: a JSON result and any images beside it. */
export interface McpCallOutcome {
  result: unknown;
  images: ToolImage[];
}
