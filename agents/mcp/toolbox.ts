import type { Backend, DialectSql } from "../backend/index.ts";
import { isGuildError } from "../errors/index.ts";
import { noFailpoint, type Failpoint } from "../faults/index.ts";
import type { Pack, PackTool, Specialist, ToolDefinition } from "../packs/index.ts";
import { splitMcpToolName } from "./config.ts";
import { compileMcpTool, isMcpTool, type McpTool } from "./mcp-tool.ts";
import { outcomeOf } from "./result.ts";
import type { McpServers } from "./servers.ts";
import type { McpServerStatus, McpToolInfo, ToolImage } from "./types.ts";

/** Any tool a specialist can call: SQL over the pack's back-end, or a tool of an MCP server. */
export type AnyTool = PackTool | McpTool;

/** What a call gave back: its result, whether an effect had already run under its key, and images. */
export interface ToolOutcome {
  result: unknown;
  replayed: boolean;
  images: ToolImage[];
}

/** Who asks for a call: the key that makes an effect happen once, and the run's signal. */
export interface CallContext {
  /** `<run id>:<call id>`: stored with a SQL effect; passed to an MCP server in `_meta`. */
  idempotencyKey: string;
  runId: string;
  callId: string;
  signal?: AbortSignal | undefined;
  /** A SQL effect's preconditions to check inside its transaction (see `Backend.effect`). */
  checks?: readonly DialectSql[];
}

/** The `_meta` keys an MCP server finds Guild's idempotency key and origin under. */
export const MCP_META = { idempotencyKey: "guild/idempotencyKey", runId: "guild/runId", callId: "guild/callId" } as const;

/**
 * A pack's tools, whoever runs them: the seam where a call goes to SQL or to an MCP server. MCP
 * tools become known when their server is first needed, and stay known while the runtime is open.
 */
export class Toolbox {
  /** Compiled MCP tools of each server, with the listing they were made from. */
  private readonly compiled = new Map<string, { listing: McpToolInfo[]; tools: Map<string, McpTool | { error: string }> }>();

  constructor(
    private readonly pack: Pack,
    private readonly backend: Backend,
    readonly servers: McpServers,
    /** Crash tests arm it to kill the process just before or after an MCP effect (SQL effects have the back-end's). */
    private readonly failpoint: Failpoint = noFailpoint,
  ) {}

  /**
   * The specialist's tools: its SQL tools, then its MCP tools as their servers list them (each
   * server started when first needed). A server that cannot be reached, or a tool it does not
   * have, leaves that tool out, and `unavailable` says why. Tools that answer with images are
   * offered only when the specialist's model accepts `images`.
   */
  async forSpecialist(
    specialist: Specialist,
    options: { images: boolean; signal?: AbortSignal | undefined },
  ): Promise<{ tools: AnyTool[]; unavailable: { tool: string; reason: string }[] }> {
    const tools: AnyTool[] = [...specialist.tools];
    const unavailable: { tool: string; reason: string }[] = [];
    for (const name of specialist.mcpTools) {
      if (this.pack.mcpTools[name]?.vision && !options.images) continue;
      const found = await this.resolve(name, options.signal);
      if ("error" in found) unavailable.push({ tool: name, reason: found.error });
      else tools.push(found);
    }
    return { tools, unavailable };
  }

  /** A tool by name without starting anything: the SQL tools, and MCP tools already listed. */
  known(name: string): AnyTool | undefined {
    const sql = this.pack.tools.get(name);
    if (sql) return sql;
    const parts = splitMcpToolName(name);
    const tool = parts && this.compiled.get(parts.server)?.tools.get(parts.tool);
    return tool && !("error" in tool) ? tool : undefined;
  }

  /** A tool by name, listing its MCP server first when needed; undefined when there is no such tool. */
  async find(name: string, signal?: AbortSignal): Promise<AnyTool | undefined> {
    const sql = this.pack.tools.get(name);
    if (sql) return sql;
    if (!splitMcpToolName(name)) return undefined;
    const found = await this.resolve(name, signal);
    return "error" in found ? undefined : found;
  }

  /**
   * Runs one call. A SQL query reads the back-end; a SQL effect runs once per idempotency key,
   * stored in the same transaction. An MCP call carries the key in `_meta`: whether an MCP effect
   * happens exactly once is the server's to honour. Failures are `tool_error`s.
   */
  async run(tool: ToolDefinition, args: Record<string, unknown>, context: CallContext): Promise<ToolOutcome> {
    if (isMcpTool(tool)) {
      const meta = {
        [MCP_META.idempotencyKey]: context.idempotencyKey,
        [MCP_META.runId]: context.runId,
        [MCP_META.callId]: context.callId,
      };
      if (tool.kind === "effect") this.failpoint("effect.before");
      const answer = await this.servers.server(tool.server).call(tool.remoteName, args, { meta, signal: context.signal });
      if (tool.kind === "effect") this.failpoint("effect.after");
      return { ...outcomeOf(tool.name, answer), replayed: false };
    }
    const sql = tool as PackTool;
    if (sql.kind === "effect") {
      const outcome = await this.backend.effect(sql.sql, args, sql.spec.result, context.idempotencyKey, sql.name, context.checks);
      return { ...outcome, images: [] };
    }
    return { result: await this.backend.query(sql.sql, args, sql.spec.result), replayed: false, images: [] };
  }

  /** Where each MCP server of the pack stands, for `GET /api/packs`. */
  statuses(): McpServerStatus[] {
    return this.servers.statuses();
  }

  /** Stops the pack's MCP servers. */
  close(): Promise<void> {
    return this.servers.close();
  }

  /** An MCP tool by `<server>/<tool>`, made from its server's listing (again after a restart or a changed list). */
  private async resolve(name: string, signal?: AbortSignal): Promise<McpTool | { error: string }> {
    const { server, tool } = splitMcpToolName(name)!;
    let listing: McpToolInfo[];
    try {
      listing = await this.servers.server(server).tools(signal);
    } catch (error) {
      if (!isGuildError(error)) throw error;
      return { error: error.message };
    }
    let entry = this.compiled.get(server);
    if (entry?.listing !== listing) {
      entry = {
        listing,
        tools: new Map(listing.map((info) => [info.name, compileMcpTool(server, info, this.pack.mcpTools[`${server}/${info.name}`])])),
      };
      this.compiled.set(server, entry);
    }
    return entry.tools.get(tool) ?? { error: `MCP server '${server}' has no tool '${tool}'` };
  }
}
