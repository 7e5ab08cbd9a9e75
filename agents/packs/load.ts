import fs from "node:fs";
import path from "node:path";
import { SQL_DIALECTS } from "../backend/dialect.ts";
import { namedParameters } from "../backend/placeholders.ts";
import type { DialectSql, SqlDialect } from "../backend/types.ts";
import { GuildError } from "../errors/index.ts";
import { GUILD_ROOT } from "../paths.ts";
import { buildKnowledgeBase, parseGlossary, readDocuments } from "../knowledge/index.ts";
import { splitMcpToolName } from "../mcp/config.ts";
import { toolArgsSchema } from "../tools/index.ts";
import { PackManifestSchema, type PackManifest, type SeedSpec, type ToolSpec } from "./manifest.ts";
import type { Pack, PackTool, Specialist } from "./types.ts";

export const MANIFEST_FILE = "pack.json";

/** The folder of the packs that ship with Guild. */
export const BUILTIN_PACKS_DIR = path.join(GUILD_ROOT, "agents", "packs");

function invalid(file: string, field: string, message: string): GuildError {
  return new GuildError("invalid_pack", `${file}: ${field ? `${field}: ` : ""}${message}`, { details: { file, field } });
}

/** A path the manifest names, refused when it points outside the pack folder. */
function insidePack(root: string, relative: string, file: string, field: string): string {
  const resolved = path.resolve(root, relative);
  if (path.relative(root, resolved).startsWith("..") || path.isAbsolute(relative)) {
    throw invalid(file, field, `'${relative}' is outside the pack folder`);
  }
  return resolved;
}

function readManifest(file: string): PackManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw invalid(file, "", `cannot read the manifest: ${(error as Error).message}`);
  }
  const parsed = PackManifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw invalid(file, issue.path.join(".") || "(root)", issue.message);
  }
  return parsed.data;
}

/** Where a tool's SQL for one engine is declared: `tools.3.sql`, or `tools.3.sql.postgres` when given per engine. */
function sqlField(spec: ToolSpec, index: number, dialect: SqlDialect): string {
  return typeof spec.sql === "string" ? `tools.${index}.sql` : `tools.${index}.sql.${dialect}`;
}

/**
 * Whether the SQL uses the argument as a parameter. SQLite also takes `@name` and `$name`, which
 * packs written for it alone may use; Postgres gets `:name` only, translated to `$n`.
 */
function usesArgument(sql: string, name: string, dialect: SqlDialect): boolean {
  return dialect === "postgres" ? namedParameters(sql).includes(name) : new RegExp(`[:@$]${name}\\b`).test(sql);
}

/** Refuses SQL for an engine that leaves out one of the tool's arguments. */
function checkArguments(spec: ToolSpec, sql: string, dialect: SqlDialect, file: string, index: number): void {
  for (const name of Object.keys(spec.args)) {
    if (!usesArgument(sql, name, dialect)) {
      throw invalid(
        file,
        sqlField(spec, index, dialect),
        `argument '${name}' is not used as :${name} in the SQL${dialect === "postgres" ? " for postgres" : ""}`,
      );
    }
  }
}

function compileTool(spec: ToolSpec, file: string, index: number): PackTool {
  // One string is the SQL of every engine; whether Postgres can run it is checkPackDialect's to say.
  const sql: DialectSql = typeof spec.sql === "string" ? { sqlite: spec.sql, postgres: spec.sql } : spec.sql;
  if (typeof spec.sql === "string") checkArguments(spec, spec.sql, "sqlite", file, index);
  else
    for (const dialect of SQL_DIALECTS) if (spec.sql[dialect] !== undefined) checkArguments(spec, spec.sql[dialect], dialect, file, index);
  for (const [name, arg] of Object.entries(spec.args)) {
    if (arg.pattern === undefined) continue;
    try {
      new RegExp(arg.pattern);
    } catch {
      throw invalid(file, `tools.${index}.args.${name}.pattern`, "not a valid regular expression");
    }
  }
  if (spec.risk && spec.args[spec.risk.field]?.type !== "number" && spec.args[spec.risk.field]?.type !== "integer") {
    throw invalid(file, `tools.${index}.risk.field`, `'${spec.risk.field}' is not a numeric argument of ${spec.name}`);
  }
  for (const [, name] of spec.title?.matchAll(/\{([^{}]*)\}/g) ?? []) {
    if (!(name! in spec.args)) throw invalid(file, `tools.${index}.title`, `{${name}} is not an argument of ${spec.name}`);
  }
  const preconditions = (spec.preconditions ?? []).map((rule, j) => {
    if (spec.kind !== "effect") throw invalid(file, `tools.${index}.preconditions`, "only an effect has preconditions");
    const ruleSql: DialectSql = typeof rule.sql === "string" ? { sqlite: rule.sql, postgres: rule.sql } : rule.sql;
    for (const dialect of SQL_DIALECTS) {
      const text = ruleSql[dialect];
      if (text === undefined) continue;
      for (const name of dialect === "postgres" ? namedParameters(text) : [...text.matchAll(/[:@$]([A-Za-z_]\w*)/g)].map((m) => m[1]!)) {
        if (!(name in spec.args))
          throw invalid(file, `tools.${index}.preconditions.${j}.sql`, `:${name} is not an argument of ${spec.name}`);
      }
      if (!/\bviolation\b/.test(text))
        throw invalid(file, `tools.${index}.preconditions.${j}.sql`, "the SQL must return a column named violation");
    }
    return { sql: ruleSql, onViolation: rule.onViolation };
  });
  const declared = spec.approval ?? (spec.kind === "effect" ? "always" : "never");
  const approval = typeof declared === "string" ? { when: [], otherwise: declared } : declared;
  approval.when.forEach((condition, j) => {
    if (condition.arg !== undefined && !(condition.arg in spec.args)) {
      throw invalid(file, `tools.${index}.approval.when.${j}.arg`, `'${condition.arg}' is not an argument of ${spec.name}`);
    }
  });
  return {
    name: spec.name,
    description: spec.description,
    kind: spec.kind,
    args: spec.args,
    returns: spec.returns,
    requiresApproval: approval.otherwise === "always" || approval.when.length > 0,
    approval,
    risk: spec.risk,
    fourEyes: spec.fourEyes === true,
    ...(preconditions.length > 0 ? { preconditions } : {}),
    sql,
    schema: toolArgsSchema(spec.args),
    spec,
  };
}

/**
 * A lookup (of a condition, or of a card's context) runs a query tool of the pack with the gated
 * call's arguments of the same names, so that tool must exist, be a query, need no argument the
 * call does not have, and return the field named.
 */
function checkLookups(tool: PackTool, tools: ReadonlyMap<string, PackTool>, file: string, index: number): void {
  const check = (ref: { tool: string; field: string }, field: string): void => {
    const lookup = tools.get(ref.tool);
    if (lookup?.kind !== "query") throw invalid(file, `${field}.tool`, `'${ref.tool}' is not a query tool of the pack`);
    const missing = Object.entries(lookup.args).find(([name, arg]) => !arg.optional && !(name in tool.args));
    if (missing) throw invalid(file, `${field}.tool`, `${lookup.name} needs '${missing[0]}', which ${tool.name} does not have`);
    if (lookup.returns.length > 0 && !lookup.returns.includes(ref.field))
      throw invalid(file, `${field}.field`, `${lookup.name} returns no '${ref.field}'`);
  };
  tool.approval.when.forEach((condition, j) => condition.lookup && check(condition.lookup, `tools.${index}.approval.when.${j}.lookup`));
  tool.spec.context?.forEach((item, j) => check(item.lookup, `tools.${index}.context.${j}.lookup`));
}

/** Reads each engine's seed files, in order; one file or list for both engines gives both the same texts. */
function readSeed(dir: string, seed: SeedSpec, file: string): Pack["seed"] {
  const read = (files: string | readonly string[], field: string): string[] =>
    (typeof files === "string" ? [files] : files).map((name, i) => {
      const at = typeof files === "string" ? field : `${field}.${i}`;
      const resolved = insidePack(dir, name, file, at);
      if (!fs.existsSync(resolved)) throw invalid(file, at, `no file ${name}`);
      return fs.readFileSync(resolved, "utf8");
    });
  if (typeof seed === "string" || Array.isArray(seed)) {
    const texts = read(seed, "backend.seed");
    return { sqlite: texts, postgres: texts };
  }
  const perEngine: Partial<Record<SqlDialect, readonly string[]>> = {};
  for (const dialect of SQL_DIALECTS) {
    const files = seed[dialect];
    if (files !== undefined) perEngine[dialect] = read(files, `backend.seed.${dialect}`);
  }
  return perEngine;
}

/**
 * Refuses a pack that cannot run on `dialect`: a tool with no SQL for it (or, on Postgres, SQL
 * that does not take each argument as `:name`), or a back-end with no seed for it. Named by the
 * manifest file and field, like every other pack error; called once at start-up.
 */
export function checkPackDialect(pack: Pack, dialect: SqlDialect): void {
  const file = path.join(pack.dir, MANIFEST_FILE);
  if (pack.seed[dialect] === undefined) throw invalid(file, "backend.seed", `no seed for ${dialect}`);
  // The pack's tools are in the manifest's order, so the position is the manifest's index.
  [...pack.tools.values()].forEach((tool, index) => {
    const sql = tool.sql[dialect];
    if (sql === undefined) throw invalid(file, `tools.${index}.sql`, `${tool.name} has no SQL for ${dialect}`);
    checkArguments(tool.spec, sql, dialect, file, index);
  });
}

/**
 * What can be checked of MCP tools' policies before their servers run: the server is declared,
 * and a lookup names a SQL query tool (argument names are checked when the server lists the tool).
 */
function checkMcpTools(manifest: PackManifest, tools: ReadonlyMap<string, PackTool>, file: string): void {
  for (const [name, spec] of Object.entries(manifest.mcpTools)) {
    const server = splitMcpToolName(name)!.server;
    if (!(server in manifest.mcpServers)) throw invalid(file, `mcpTools.${name}`, `no MCP server '${server}' in mcpServers`);
    if (typeof spec.approval !== "object") continue;
    spec.approval.when.forEach((condition, j) => {
      const lookup = condition.lookup && tools.get(condition.lookup.tool);
      if (condition.lookup && lookup?.kind !== "query") {
        throw invalid(
          file,
          `mcpTools.${name}.approval.when.${j}.lookup.tool`,
          `'${condition.lookup.tool}' is not a query tool of the pack`,
        );
      }
    });
  }
}

/** Loads one pack folder, failing with the file and field of the first problem found. */
export async function loadPack(dir: string): Promise<Pack> {
  const file = path.join(dir, MANIFEST_FILE);
  const manifest = readManifest(file);
  const knowledgeDir = path.join(dir, "knowledge");

  const tools = new Map<string, PackTool>();
  manifest.tools.forEach((spec, i) => {
    if (tools.has(spec.name)) throw invalid(file, `tools.${i}.name`, `duplicate tool '${spec.name}'`);
    tools.set(spec.name, compileTool(spec, file, i));
  });

  manifest.tools.forEach((spec, i) => checkLookups(tools.get(spec.name)!, tools, file, i));
  checkMcpTools(manifest, tools, file);

  const seen = new Set<string>();
  const specialists: Specialist[] = [];
  for (const [i, spec] of manifest.specialists.entries()) {
    if (seen.has(spec.id)) throw invalid(file, `specialists.${i}.id`, `duplicate specialist '${spec.id}'`);
    seen.add(spec.id);
    const own: PackTool[] = [];
    const mcpTools: string[] = [];
    spec.tools.forEach((name, j) => {
      const mcp = splitMcpToolName(name);
      if (mcp && !(mcp.server in manifest.mcpServers))
        throw invalid(file, `specialists.${i}.tools.${j}`, `no MCP server '${mcp.server}' in mcpServers`);
      if (mcp) return void mcpTools.push(name);
      const tool = tools.get(name);
      if (!tool) throw invalid(file, `specialists.${i}.tools.${j}`, `unknown tool '${name}'`);
      own.push(tool);
    });
    let documents: Awaited<ReturnType<typeof readDocuments>>;
    try {
      documents = await readDocuments(knowledgeDir, spec.documents);
    } catch (error) {
      throw invalid(file, `specialists.${i}.documents`, (error as Error).message);
    }
    specialists.push({
      id: spec.id,
      name: spec.name,
      description: spec.description,
      model: spec.model,
      documents: documents.map((d) => d.name),
      knowledge: await buildKnowledgeBase(documents),
      tools: own,
      mcpTools,
      approval: spec.approval,
    });
  }

  let glossary: Pack["glossary"] = [];
  if (manifest.glossary) {
    const glossaryFile = insidePack(dir, path.join("knowledge", manifest.glossary), file, "glossary");
    if (!fs.existsSync(glossaryFile)) throw invalid(file, "glossary", `no file knowledge/${manifest.glossary}`);
    glossary = parseGlossary(fs.readFileSync(glossaryFile, "utf8"));
  }

  return {
    id: manifest.id,
    name: manifest.name,
    description: manifest.description,
    dir,
    planApproval: manifest.planApproval,
    policy: manifest.policy,
    supervisorModel: manifest.supervisor.model,
    glossary,
    specialists,
    tools,
    seed: readSeed(dir, manifest.backend.seed, file),
    mcpServers: manifest.mcpServers,
    mcpTools: manifest.mcpTools,
  };
}

/** Loads every pack folder (one holding a pack.json) under each of the given directories. */
export async function loadPacks(dirs: readonly string[]): Promise<Pack[]> {
  const packs: Pack[] = [];
  for (const root of dirs) {
    if (!fs.existsSync(root)) throw new GuildError("invalid_pack", `packs directory ${root} does not exist`);
    const entries = fs
      .readdirSync(root, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const dir = path.join(root, entry.name);
      if (!fs.existsSync(path.join(dir, MANIFEST_FILE))) continue;
      const pack = await loadPack(dir);
      if (packs.some((p) => p.id === pack.id)) {
        throw invalid(path.join(dir, MANIFEST_FILE), "id", `a pack with id '${pack.id}' is already loaded`);
      }
      packs.push(pack);
    }
  }
  if (packs.length === 0) throw new GuildError("invalid_pack", `no pack found in ${dirs.join(", ")}`);
  return packs;
}
