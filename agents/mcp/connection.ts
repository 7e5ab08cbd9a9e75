import path from "node:path";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { Logger } from "pino";
import { GuildError, isGuildError } from "../errors/index.ts";

/** The MCP SDK, loaded when a pack first starts a server: a Guild without MCP servers never loads it. */
type Sdk = typeof import("@modelcontextprotocol/sdk/client/index.js") &
  typeof import("@modelcontextprotocol/sdk/client/stdio.js") &
  typeof import("@modelcontextprotocol/sdk/client/streamableHttp.js") &
  typeof import("@modelcontextprotocol/sdk/types.js");
let sdk: Sdk | undefined;
const loadSdk = async (): Promise<Sdk> =>
  (sdk ??= Object.assign(
    {},
    ...(await Promise.all([
      import("@modelcontextprotocol/sdk/client/index.js"),
      import("@modelcontextprotocol/sdk/client/stdio.js"),
      import("@modelcontextprotocol/sdk/client/streamableHttp.js"),
      import("@modelcontextprotocol/sdk/types.js"),
    ])),
  ) as Sdk);
import { expandVariables, isStdio, type McpServerConfig } from "./config.ts";
import type { McpServerState, McpServerStatus, McpToolInfo } from "./types.ts";

export interface McpConnectionOptions {
  /** The pack folder: a stdio server's working directory, and where its relative paths start. */
  cwd: string;
  /** Where `${VAR}` values come from (Guild's configuration, parsed once). */
  env: Readonly<Record<string, string | undefined>>;
  /** How long a start-up, a listing or a call may take when the server's own `timeoutMs` is absent. */
  timeoutMs: number;
  log?: Logger | undefined;
}

/** Starting a process (Node loading a server's modules) can take longer than a call may: at least this long. */
const MIN_START_MS = 10_000;

/** The last part of a stdio server's stderr, kept to say why it failed. */
const STDERR_TAIL = 2000;

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * One MCP server of a pack: started (or connected to) when first needed, kept for every later run,
 * started again when next needed after it crashed. Every request has a deadline, so a server that
 * hangs costs a tool error, never a stuck run.
 */
export class McpConnection {
  private client: Client | undefined;
  private connecting: Promise<Client> | undefined;
  private listed: McpToolInfo[] | undefined;
  private state: McpServerState = "idle";
  private restarts = 0;
  /** Whether it ever started: every later start is a restart. */
  private started = false;
  private lastError: string | undefined;
  /** Counts starts, so that news from an old connection (its close) does not touch the new one. */
  private generation = 0;
  private stderrTail = "";

  constructor(
    readonly name: string,
    private readonly config: McpServerConfig,
    private readonly options: McpConnectionOptions,
  ) {}

  get timeoutMs(): number {
    return this.config.timeoutMs ?? this.options.timeoutMs;
  }

  status(): McpServerStatus {
    return {
      name: this.name,
      transport: isStdio(this.config) ? "stdio" : "http",
      state: this.state,
      ...(this.listed ? { tools: this.listed.map((t) => t.name) } : {}),
      restarts: this.restarts,
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }

  /** The server's tools, listed once per connection (again when the server says its list changed). */
  async tools(signal?: AbortSignal): Promise<McpToolInfo[]> {
    const client = await this.ensure();
    if (this.listed) return this.listed;
    const generation = this.generation;
    const tools: McpToolInfo[] = [];
    try {
      let cursor: string | undefined;
      do {
        const page = await client.listTools(cursor ? { cursor } : {}, { timeout: this.timeoutMs, ...(signal ? { signal } : {}) });
        for (const t of page.tools) {
          tools.push({
            name: t.name,
            description: t.description ?? t.title ?? t.name,
            inputSchema: t.inputSchema as Record<string, unknown>,
            ...(t.outputSchema ? { outputSchema: t.outputSchema as Record<string, unknown> } : {}),
            ...(t.annotations ? { annotations: t.annotations } : {}),
          });
        }
        cursor = page.nextCursor;
      } while (cursor);
    } catch (error) {
      throw this.failure(error, "listing its tools");
    }
    if (generation === this.generation) this.listed = tools;
    return tools;
  }

  /**
   * Calls a tool of the server under the deadline. `meta` goes in the request's `_meta` (Guild's
   * idempotency key). A server that crashes, hangs or answers with a protocol error is a
   * `tool_error`; a tool that reports an error (`isError`) is returned as the server sent it.
   */
  async call(
    tool: string,
    args: Record<string, unknown>,
    options: { meta?: Record<string, unknown>; signal?: AbortSignal } = {},
  ): Promise<CallToolResult> {
    const client = await this.ensure();
    try {
      const result = await client.callTool({ name: tool, arguments: args, ...(options.meta ? { _meta: options.meta } : {}) }, undefined, {
        timeout: this.timeoutMs,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      return result as CallToolResult;
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      throw this.failure(error, `calling ${tool}`);
    }
  }

  /** Stops the server (a stdio server's process is ended) and refuses any further use. */
  async close(): Promise<void> {
    this.state = "closed";
    this.generation += 1;
    const client = this.client ?? (await this.connecting?.catch(() => undefined));
    this.client = undefined;
    await client?.close().catch(() => {});
  }

  private ensure(): Promise<Client> {
    if (this.state === "closed")
      return Promise.reject(new GuildError("tool_error", `MCP server '${this.name}' is closed: Guild is shutting down`));
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= this.start().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async start(): Promise<Client> {
    const generation = ++this.generation;
    this.state = "starting";
    this.listed = undefined;
    this.stderrTail = "";
    const { Client, StreamableHTTPError, ToolListChangedNotificationSchema } = await loadSdk();
    const client = new Client({ name: "guild", version: "0.1.0" }, { capabilities: {} });
    client.onclose = () => this.lost(generation, this.stderrTail.trim().split("\n").at(-1) || "the connection closed");
    client.onerror = (error) => this.options.log?.debug({ mcpServer: this.name, err: error }, "MCP transport error");
    client.setNotificationHandler(ToolListChangedNotificationSchema, async () => {
      if (generation === this.generation) this.listed = undefined;
    });
    try {
      await client.connect(await this.transport(), { timeout: Math.max(this.timeoutMs, MIN_START_MS) });
    } catch (error) {
      const status = error instanceof StreamableHTTPError && error.code ? ` (HTTP ${error.code})` : "";
      const why = isGuildError(error)
        ? error.message
        : `${messageOf(error)}${status}${this.stderrTail.trim() ? ` (${this.stderrTail.trim().split("\n").at(-1)})` : ""}`;
      if (generation === this.generation) {
        this.state = "failed";
        this.lastError = why;
      }
      await client.close().catch(() => {});
      this.options.log?.warn({ mcpServer: this.name, err: error }, "MCP server could not be started");
      throw new GuildError("tool_error", `MCP server '${this.name}' could not be started: ${why}`, {
        cause: error,
        details: { server: this.name },
      });
    }
    if (generation !== this.generation) {
      // Closed while starting.
      await client.close().catch(() => {});
      throw new GuildError("tool_error", `MCP server '${this.name}' is closed: Guild is shutting down`);
    }
    const again = this.started;
    if (again) this.restarts += 1;
    this.started = true;
    this.client = client;
    this.state = "ready";
    this.options.log?.info({ mcpServer: this.name, restarts: this.restarts }, again ? "MCP server started again" : "MCP server started");
    return client;
  }

  private async transport(): Promise<Transport> {
    const { getDefaultEnvironment, StdioClientTransport, StreamableHTTPClientTransport } = await loadSdk();
    const { config, name } = this;
    const env = this.options.env;
    if (isStdio(config)) {
      // `node` is the Node that runs Guild, whatever PATH says; a relative command is the pack's own.
      const command =
        config.command === "node"
          ? process.execPath
          : config.command.includes("/")
            ? path.resolve(this.options.cwd, config.command)
            : config.command;
      const transport = new StdioClientTransport({
        command: expandVariables(command, env, name),
        args: config.args.map((a) => expandVariables(a, env, name)),
        env: {
          ...getDefaultEnvironment(),
          ...Object.fromEntries(Object.entries(config.env).map(([k, v]) => [k, expandVariables(v, env, name)])),
        },
        cwd: this.options.cwd,
        stderr: "pipe",
      });
      transport.stderr?.on("data", (chunk: Buffer) => {
        this.stderrTail = (this.stderrTail + chunk.toString()).slice(-STDERR_TAIL);
        this.options.log?.debug({ mcpServer: name, stderr: chunk.toString().trimEnd() }, "MCP server stderr");
      });
      return transport;
    }
    let url: URL;
    try {
      url = new URL(expandVariables(config.url, env, name));
    } catch (error) {
      if (isGuildError(error)) throw error;
      throw new GuildError("invalid_config", `MCP server '${name}': not a URL: ${config.url}`, { details: { server: name } });
    }
    const headers = Object.fromEntries(Object.entries(config.headers).map(([k, v]) => [k, expandVariables(v, env, name)]));
    return new StreamableHTTPClientTransport(url, { requestInit: { headers } });
  }

  /** The connection is gone (the process exited, the HTTP session ended): start again when next needed. */
  private lost(generation: number, why: string): void {
    if (generation !== this.generation || this.state === "closed") return;
    this.client = undefined;
    this.listed = undefined;
    if (this.state === "ready") {
      this.state = "crashed";
      this.lastError = why;
      this.options.log?.warn({ mcpServer: this.name, why }, "MCP server crashed; it is started again when next needed");
    }
  }

  /** A request that failed, as a tool error that says why; a broken connection is dropped, to be made again. */
  private failure(error: unknown, doing: string): GuildError {
    if (isGuildError(error)) return error;
    // A request's error comes from a client, so the SDK is loaded by now.
    const { ErrorCode, McpError } = sdk!;
    if (error instanceof McpError && error.code === ErrorCode.RequestTimeout) {
      return new GuildError("tool_error", `MCP server '${this.name}' did not answer within ${this.timeoutMs} ms while ${doing}`, {
        cause: error,
        details: { server: this.name, cause: "timeout" },
      });
    }
    if (error instanceof McpError && error.code === ErrorCode.ConnectionClosed) {
      this.lost(this.generation, this.stderrTail.trim().split("\n").at(-1) || "the connection closed");
      const why = this.lastError ? `: ${this.lastError}` : "";
      return new GuildError("tool_error", `MCP server '${this.name}' crashed while ${doing}${why}`, {
        cause: error,
        details: { server: this.name, cause: "crashed" },
      });
    }
    if (error instanceof McpError) {
      return new GuildError("tool_error", `MCP server '${this.name}' refused ${doing}: ${error.message}`, {
        cause: error,
        details: { server: this.name, cause: "protocol" },
      });
    }
    // Not an answer from the server (a network error, an HTTP status, a lost session): make the
    // connection again next time rather than keep a broken one.
    const client = this.client;
    this.lost(this.generation, messageOf(error));
    void client?.close().catch(() => {});
    return new GuildError("tool_error", `MCP server '${this.name}' failed while ${doing}: ${messageOf(error)}`, {
      cause: error,
      details: { server: this.name, cause: "unreachable" },
    });
  }
}
