import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import {
  openPostgresBackend,
  openSqliteBackend,
  packSchema,
  type Backend,
  type BackendOptions,
  type SqlDialect,
} from "../../agents/backend/index.ts";
import { BUILTIN_PACKS_DIR, loadPack, type Pack } from "../../agents/packs/index.ts";
import { createTestDatabase } from "./postgres.ts";

export const ENGINES: readonly SqlDialect[] = ["sqlite", "postgres"];

/** The claims pack's schema on Postgres. */
export const CLAIMS_SCHEMA = "pack_insurance_claims";

/** Options of either engine; the Postgres ones are ignored on SQLite. */
export type OpenOptions = BackendOptions & { connectionString?: string; lockTimeoutMs?: number; poolMax?: number };

export interface ClaimsBackends {
  pack: Pack;
  /** The test file's own Postgres database. */
  url: string;
  /** A connection to it with pg's own parsers, for a look at the tables as an operator would have. */
  admin: pg.Client;
  /** The SQLite file of the current test, in a temp dir of its own. */
  file: string;
  /** Opens the claims back-end on an engine (closed after the test); each opening of a test shares its file or schema. */
  open(engine: SqlDialect, options?: OpenOptions): Promise<Backend>;
  /** Calls a tool of the pack as the tools node does: effects under `key`. */
  call(backend: Backend, tool: string, args: Record<string, unknown>, key?: string): Promise<unknown>;
}

/**
 * Sets up, for the calling test file, the claims pack, a Postgres database of its own, and before
 * each test a fresh SQLite file and an empty Postgres schema; closes what each test opened.
 */
export function useClaimsBackends(): ClaimsBackends {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let dir: string;
  let opened: Backend[] = [];
  const context = {
    async open(engine: SqlDialect, options: OpenOptions = {}): Promise<Backend> {
      const { connectionString, lockTimeoutMs, poolMax, ...common } = options;
      const backend =
        engine === "sqlite"
          ? await openSqliteBackend(context.file, context.pack.seed.sqlite ?? [], common)
          : await openPostgresBackend({
              connectionString: connectionString ?? context.url,
              schema: packSchema(context.pack.id),
              seed: context.pack.seed.postgres ?? [],
              poolMax: poolMax ?? 2,
              lockTimeoutMs,
              ...common,
            });
      opened.push(backend);
      return backend;
    },
    call(backend: Backend, name: string, args: Record<string, unknown>, key = `run:${name}`): Promise<unknown> {
      const tool = context.pack.tools.get(name);
      if (!tool) throw new Error(`no tool ${name}`);
      return tool.kind === "effect"
        ? backend.effect(tool.sql, args, tool.spec.result, key, name)
        : backend.query(tool.sql, args, tool.spec.result);
    },
  } as ClaimsBackends;

  beforeAll(async () => {
    context.pack = await loadPack(path.join(BUILTIN_PACKS_DIR, "insurance-claims"));
    database = await createTestDatabase();
    context.url = database.url;
    context.admin = new pg.Client({ connectionString: database.url });
    context.admin.on("error", () => {});
    await context.admin.connect();
  });

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "guild-backend-"));
    context.file = path.join(dir, "packs", "insurance-claims.sqlite");
    await context.admin.query(`DROP SCHEMA IF EXISTS ${CLAIMS_SCHEMA} CASCADE`);
  });

  afterEach(async () => {
    await Promise.allSettled(opened.map((backend) => backend.close()));
    opened = [];
    fs.rmSync(dir, { recursive: true, force: true });
  });

  afterAll(async () => {
    await context.admin?.end().catch(() => {});
    await database?.drop();
  });

  return context;
}

/** Counts a claim's payments as an operator would: straight from the table, not through the back-end. */
export async function paymentsOf(context: ClaimsBackends, engine: SqlDialect, claimId: string): Promise<number> {
  if (engine === "postgres") {
    const { rows } = await context.admin.query(`SELECT count(*)::int AS n FROM ${CLAIMS_SCHEMA}.payments WHERE claim_id = $1`, [claimId]);
    return rows[0].n;
  }
  const db = new Database(context.file, { readonly: true });
  try {
    return db.prepare("SELECT count(*) FROM payments WHERE claim_id = ?").pluck().get(claimId) as number;
  } finally {
    db.close();
  }
}
