import type { Logger } from "pino";
import { GuildError } from "../errors/index.ts";
import type { McpServerConfig } from "./config.ts";
import { McpConnection } from "./connection.ts";
import type { McpServerStatus } from "./types.ts";

export interface McpServersOptions {
  /** The pack folder (stdio servers run there). */
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  timeoutMs: number;
  log?: Logger | undefined;
}

/**
 * The MCP servers of one pack, by name: nothing starts until a run needs it, and each server is
 * shared by every run of the pack for as long as the runtime is open.
 */
export class McpServers {
  private readonly connections = new Map<string, McpConnection>();

  constructor(servers: Readonly<Record<string, McpServerConfig>>, options: McpServersOptions) {
    for (const [name, config] of Object.entries(servers)) {
      this.connections.set(name, new McpConnection(name, config, { ...options, log: options.log?.child({ mcpServer: name }) }));
    }
  }

  get names(): string[] {
    return [...this.connections.keys()];
  }

  /** The connection to a server the pack declares. */
  server(name: string): McpConnection {
    const connection = this.connections.get(name);
    if (!connection) throw new GuildError("not_found", `no MCP server '${name}'`);
    return connection;
  }

  statuses(): McpServerStatus[] {
    return [...this.connections.values()].map((c) => c.status());
  }

  async close(): Promise<void> {
    await Promise.all([...this.connections.values()].map((c) => c.close()));
  }
}
